"""Playwright driving the system Chromium (`/usr/bin/chromium`), never a downloaded browser.

Browser tests are marked `browser`; they are skipped with a clear reason only when
no Chromium is installed. CI installs Chromium, so CI runs them.
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


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def _playwright():
    if not chromium_available():
        pytest.skip(f"no Chromium at {CHROMIUM}: install the Debian package 'chromium'")
    # Playwright's sync API runs an event loop; Django must allow sync ORM calls next to it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
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
