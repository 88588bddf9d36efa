"""Emails, opened in Chromium at phone width: nothing scrolls sideways, and axe passes.

Mail clients are not browsers, but most phone clients render our table layout the way
Chromium does, and a line that cannot wrap (a long meeting link) widens the whole email
there too. The weekly digest is the fullest email: every card kind, a "You're going"
badge and an online link (a Zoom link with its password, as people paste them).
"""

import pytest

from astn.notifications.models import OutboundEmail
from astn.notifications.services.sending import outbox_render
from events.services.digest import digest_send
from tests.browser.accessibility import audit, sideways
from tests.events.test_digest import BERLIN_MONDAY_9, event_at
from tests.factories.attendance import AttendanceFactory
from tests.factories.members import at, make_member
from tests.factories.orgs import OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ZOOM = "https://us02web.zoom.us/j/81234567890?pwd=VGhpc0lzQUxvbmdQYXNzd29yZEZvclRlc3Rpbmc1234"


@pytest.mark.parametrize("width", [1280, 390, 320])
def test_the_digest_fits_a_phone_and_passes_axe(browser, width):
    readers = OrganizationFactory(name="Berlin Reading Circle")
    member = make_member(readers, tz="Europe/Berlin")
    salon = event_at(readers, "Online salon: The Dispossessed, chapters 1–4",
                     at("2026-11-27 18:00"), is_online=True, virtual_link=ZOOM)  # fmt: skip
    event_at(readers, "Book club", at("2026-11-25 18:00"))
    AttendanceFactory(event=salon, membership=member)
    assert digest_send(now=BERLIN_MONDAY_9) == 1
    html = outbox_render(OutboundEmail.objects.get()).html
    assert ZOOM.replace("&", "&amp;") in html  # the long link is there to be wrapped

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_content(html)
    findings = sideways(page, f"digest at {width} px") + audit(page, f"digest at {width} px")
    context.close()
    assert not findings, "\n".join(map(str, findings))
