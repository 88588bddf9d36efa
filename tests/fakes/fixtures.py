"""Fixtures for the fake outside services; loaded from tests/conftest.py.

- `fake_luma`: a running `FakeLuma` (key `fake_luma.api_key`, 2 entries per page so
  pagination is always exercised), with `settings.LUMA_API_BASE_URL` pointed at it.
- `ics_server`: a running `IcsServer`.
"""

from __future__ import annotations

import pytest

from tests.fakes.ics import IcsServer
from tests.fakes.luma import FakeLuma


@pytest.fixture
def fake_luma(settings):
    with FakeLuma(api_key="luma-key-for-tests-1234", page_size=2) as luma:
        settings.LUMA_API_BASE_URL = luma.url
        yield luma


@pytest.fixture
def ics_server():
    with IcsServer() as server:
        yield server
