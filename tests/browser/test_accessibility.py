"""Every kind of page each role can reach passes axe-core's WCAG 2.1 A/AA checks.

The seeded demo is the fixture, because it is what makes every page show its real
content (charts, tables, badges, empty and full states). Each role walks the links from
its start pages, one page per kind (`accessibility.kind_of`), and axe audits each page in
Chromium once its htmx parts have loaded. Then every page again at phone width (390 px):
none may scroll sideways, and the start pages, navigation collapsed, pass axe too. Pages
only an email leads to (the one-tap attendance answer, a round's intake, "did you meet?",
unsubscribe, an invite) are start pages of their own. Last, every form on those pages
is sent empty (the browser's own checks off) and the page with the error messages is
audited too. Any serious or critical finding fails the test and is listed with the page
and the markup it is about; so does a link on our pages that answers an error.

Found the first time (1 December 2026) and fixed: outline buttons at 4.44:1 on the page's
grey, faded past-date badges, translucent badges, a notification bell whose name left out
the visible count, icons with a label but no role; then, in the error states, form
errors at 4.29:1 on the grey form panels.
"""

import pytest

from astn.core.demo import DEMO_PASSWORD
from tests.browser.accessibility import audit, sideways, submit_empty_forms, walk
from tests.browser.fixtures import launch_chromium, log_in, new_page
from tests.crawl import emailed_links

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMUNITY = "/c/effective-giving-1-1s"  # the demo community (communities/demo.py)
ROLES = {
    "anonymous": (None, ["/", "/orgs/", "/orgs/berlin-reading-circle/",
                         "/orgs/berlin-reading-circle/events/", "/join/effective-giving-1-1s/",
                         "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]),
    "member": ("jonas@astn.example", ["/", "/me/profile/", "/me/settings/", "/me/attendance/",
                                      "/me/engagement/", "/notifications/", "/orgs/new/",
                                      "/orgs/effective-giving-online/", f"{COMMUNITY}/me/"]),
    "org admin": ("maya@astn.example", ["/", "/orgs/berlin-reading-circle/admin/",
                                        "/orgs/effective-giving-online/admin/",
                                        "/orgs/effective-giving-online/admin/communities/"]),
}  # fmt: skip
PAGES_PER_ROLE = 150


@pytest.fixture(scope="module")
def own_browser(_playwright):
    """A Chromium of the walk's own: the hundreds of pages it opens leave nothing behind in
    the browser the journeys share."""
    browser = launch_chromium(_playwright)
    yield browser
    browser.close()


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_reaches_passes_axe_and_fits_a_phone(
    seeded_demo, own_browser, live_server, role
):
    email, starts = ROLES[role]
    if email is None:
        starts = [*starts, *emailed_links()]
    page = new_page(own_browser, bypass_csp=True)
    if email:
        log_in(page, live_server, email, DEMO_PASSWORD)
    forms: dict[str, list] = {}
    seen, findings = walk(page, live_server.url, starts, PAGES_PER_ROLE, forms)
    assert len(seen) >= len(starts) // 2, seen  # the walk really ran

    # On a phone: no page scrolls sideways; the start pages (navigation collapsed) pass axe.
    page.set_viewport_size({"width": 390, "height": 844})
    for path in seen:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        findings += sideways(page, f"{path} at 390 px")
        if path in starts:
            findings += audit(page, f"{path} at 390 px")

    # Every form sent empty: the page with the error messages passes axe too.
    page.set_viewport_size({"width": 1280, "height": 900})
    sent, found = submit_empty_forms(page, live_server.url, forms)
    assert sent >= 1, forms  # every role has a form (sign-up, profile, event)
    findings += found
    page.context.close()
    assert not findings, f"{len(findings)} findings:\n" + "\n".join(map(str, findings))
