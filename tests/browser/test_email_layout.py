"""Emails, opened in Chromium at phone width: nothing scrolls sideways, and axe passes.

Mail clients are not browsers, but most phone clients render our table layout the way
Chromium does, and a line that cannot wrap (a long meeting link) widens the whole email
there too. Three emails made by their real jobs: the weekly digest (every card kind, a
"You're going" badge, an online link — a Zoom link with its password, as people paste
them), the day-before reminder of that online event, and the one-tap "Did you attend?".
"""

from datetime import timedelta

import pytest

from astn.notifications.models import OutboundEmail
from astn.notifications.services.sending import outbox_render
from attendance.services.prompts import prompts_send_due
from attendance.services.reminders import reminders_send
from events.services.digest import digest_send
from tests.attendance.after_event import ended_event, rsvp_of
from tests.browser.accessibility import audit, sideways
from tests.events.test_digest import BERLIN_MONDAY_9, event_at
from tests.factories.attendance import AttendanceFactory
from tests.factories.members import at, make_member
from tests.factories.orgs import OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ZOOM = "https://us02web.zoom.us/j/81234567890?pwd=VGhpc0lzQUxvbmdQYXNzd29yZEZvclRlc3Rpbmc1234"


@pytest.fixture
def emails():
    """{template: rendered HTML} of the three emails, each made by its job."""
    readers = OrganizationFactory(name="Berlin Reading Circle")
    member = make_member(readers, tz="Europe/Berlin")
    salon = event_at(readers, "Online salon: The Dispossessed, chapters 1–4",
                     at("2026-11-24 18:00"), is_online=True, virtual_link=ZOOM)  # fmt: skip
    event_at(readers, "Book club", at("2026-11-25 18:00"))
    AttendanceFactory(event=salon, membership=member, rsvp_at=at("2026-11-20 10:00"))
    assert digest_send(now=BERLIN_MONDAY_9) == 1
    assert reminders_send(now=salon.start - timedelta(hours=20)) == 1
    past = ended_event(readers, hours_ago=3, title="Reading night at Café Kafka")
    rsvp_of(past, user=member.user)
    assert prompts_send_due() == 1
    rendered = {email.template: outbox_render(email).html for email in OutboundEmail.objects.all()}
    assert set(rendered) == {"events/email/digest", "attendance/email/reminder",
                             "attendance/email/attendance_prompt"}  # fmt: skip
    assert ZOOM.replace("&", "&amp;") in rendered["events/email/digest"]
    return rendered


@pytest.mark.parametrize("width", [1280, 390, 320])
def test_emails_fit_a_phone_and_pass_axe(browser, emails, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    findings = []
    for template, html in emails.items():
        page.set_content(html)
        findings += sideways(page, f"{template} at {width} px")
        findings += audit(page, f"{template} at {width} px")
    context.close()
    assert not findings, "\n".join(map(str, findings))
