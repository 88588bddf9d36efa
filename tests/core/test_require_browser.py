"""`ASTN_REQUIRE_BROWSER=1` (set by .ci/run) turns a missing Chromium into a failure."""

import pytest

from tests.browser.fixtures import check_chromium

MISSING = "/nonexistent/chromium"


def test_a_missing_chromium_skips_browser_tests_locally(monkeypatch):
    monkeypatch.delenv("ASTN_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        check_chromium(MISSING)


def test_a_missing_chromium_fails_browser_tests_when_required(monkeypatch):
    monkeypatch.setenv("ASTN_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="ASTN_REQUIRE_BROWSER=1"):
        check_chromium(MISSING)


def test_ci_requires_the_browser():
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    assert "export ASTN_REQUIRE_BROWSER=1" in script
    assert "make prod-smoke" in script
