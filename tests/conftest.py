"""Shared fixtures. Apps add theirs in tests/<app>/conftest.py; org fixtures live here too."""

import pytest

from tests.factories.accounts import TEST_PASSWORD, UserFactory

pytest_plugins = ["tests.browser.fixtures"]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (rate-limit counters live there)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def client_as_user(client, user):
    client.force_login(user)
    return client
