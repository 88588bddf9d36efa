"""Every kind of page each role can reach passes axe-core's WCAG 2.1 A/AA checks.

The seeded demo is the fixture, because it is what makes every page show its real
content (charts, tables, badges, empty and full states). Each role walks the links from
its start pages, one page per kind (`accessibility.kind_of`), and axe audits each page in
Chromium once its htmx parts have loaded; the start pages are audited again at phone
width, where the navigation collapses. Any serious or critical finding fails the test and
is listed with the page and the markup it is about.

Found the first time (1 December 2026) and fixed: outline buttons at 4.44:1 on the page's
grey, faded past-date badges, translucent badges, a notification bell whose name left out
the visible count, icons with a label but no role.
"""

import pytest
from django.core.management import call_command

from astn.core.demo import DEMO_PASSWORD
from tests.browser.accessibility import audit, walk
from tests.browser.fixtures import log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = {
    "anonymous": (None, ["/", "/orgs/", "/accounts/login/", "/accounts/signup/",
                         "/accounts/password/reset/"]),
    "member": ("jonas@astn.example", ["/", "/me/settings/", "/me/attendance/", "/notifications/"]),
    "org admin": ("maya@astn.example", ["/", "/orgs/berlin-reading-circle/admin/"]),
}  # fmt: skip
PAGES_PER_ROLE = 120


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_reaches_passes_axe(demo, browser, live_server, role):
    email, starts = ROLES[role]
    findings = []
    for width in (1280, 390):
        page = new_page(browser, bypass_csp=True, viewport={"width": width, "height": 900})
        if email:
            log_in(page, live_server, email, DEMO_PASSWORD)
        if width == 1280:
            seen, found = walk(page, live_server.url, starts, PAGES_PER_ROLE)
            assert len(seen) >= len(starts), seen  # the walk really ran
        else:
            found = []
            for path in starts:
                page.goto(live_server.url + path)
                page.wait_for_load_state("networkidle")
                found += audit(page, f"{path} at {width} px")
        findings += found
        page.context.close()
    assert not findings, f"{len(findings)} accessibility findings:\n" + "\n".join(
        map(str, findings)
    )
