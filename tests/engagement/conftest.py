"""Fixtures for engagement tests: the fake Anthropic server and an org with some history."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.fakes.anthropic import API_KEY, FakeAnthropic


@pytest.fixture
def fake_anthropic(settings):
    """A running fake Anthropic API; settings point the SDK at it (with a key)."""
    with FakeAnthropic() as fake:
        settings.ANTHROPIC_API_KEY = API_KEY
        settings.ANTHROPIC_BASE_URL = fake.url
        settings.ASTN_LLM_MODEL = "claude-haiku-5-5"
        settings.ASTN_LLM_MAX_RETRIES = 2
        settings.ASTN_LLM_TIMEOUT = 5
        yield fake


@pytest.fixture
def no_api_key(settings):
    settings.ANTHROPIC_API_KEY = ""


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def past(now, days: int) -> datetime.datetime:
    return now - datetime.timedelta(days=days)
