"""Playwright driving the system Chromium (`/usr/bin/chromium`), never a downloaded browser.

Browser tests are marked `browser`; they are skipped with a clear reason only when
no Chromium is installed — except when `ASTN_REQUIRE_BROWSER=1` (set by `.ci/run`):
then a missing Chromium *fails* them, so CI can never go green by skipping them.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.factories.accounts import TEST_PASSWORD

CHROMIUM = os.environ.get("ASTN_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def browser_required() -> bool:
    return os.environ.get("ASTN_REQUIRE_BROWSER", "") not in ("", "0")


def chromium_available(chromium: str = CHROMIUM) -> bool:
    return Path(chromium).exists() or shutil.which(chromium) is not None


def check_chromium(chromium: str = CHROMIUM) -> None:
    """Skip the browser test when Chromium is missing — or fail it, if the browser is required."""
    if chromium_available(chromium):
        return
    reason = f"no Chromium at {chromium}: install the Debian package 'chromium'"
    if browser_required():
        pytest.fail(f"{reason} (ASTN_REQUIRE_BROWSER=1: browser tests must run here)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def _playwright():
    check_chromium()
    # Playwright's sync API runs an event loop; Django must allow sync ORM calls next to it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


def launch_chromium(playwright):
    """Start the system Chromium, headless, with the flags every browser test uses."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = launch_chromium(_playwright)
    yield browser
    browser.close()


def new_page(browser, **context_options):
    """Return a page in a fresh browser context (its own cookies: another person)."""
    options = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB", **context_options}
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    return context.new_page()


def log_in(page, live_server, email: str, password: str = TEST_PASSWORD):
    """Log in through the real login form and wait for the dashboard; return the page."""
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(live_server.url + "/")
    return page


def open_as(browser, live_server, user, **context_options):
    """Return a page in a fresh browser context, logged in as `user`."""
    return log_in(new_page(browser, **context_options), live_server, user.email)


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under var/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, target=None) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        (target or page).screenshot(path=str(path), full_page=True)
        return path

    return take
