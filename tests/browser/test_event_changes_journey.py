"""Issue #10 in a real browser: an event moves, guests are messaged, an unsubscribe holds,
and the admin pages fit a phone. Screenshots at 1280 and 390 px under var/screenshots/."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from astn.accounts.models import EventMode, NotificationSettings
from astn.notifications.services import outbox_flush
from astn.notifications.unsubscribe import unsubscribe_url
from attendance.models import EventChangeNotice, EventMessage
from attendance.services.changes import event_change_notices_send
from events.models import Event
from events.services.announcements import announcements_send
from events.services.digest import digest_send
from tests.browser.fixtures import new_page, open_as
from tests.factories.accounts import UserFactory
from tests.factories.attendance import AttendanceFactory
from tests.factories.events import EventFactory
from tests.factories.orgs import AdminMembershipFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def circle(db):
    org = OrganizationFactory(name="Berlin Reading Circle", slug="berlin-reading-circle")
    maya = UserFactory(name="Maya Lindqvist", email="maya@example.org")
    jonas = UserFactory(name="Jonas Becker", email="jonas@example.org")
    AdminMembershipFactory(org=org, user=maya)
    jonas_membership = MembershipFactory(org=org, user=jonas)
    for user in (maya, jonas):
        user.profile.timezone = "Europe/Berlin"
        user.profile.save(update_fields=["timezone"])
    NotificationSettings.objects.filter(user=jonas).update(event_mode=EventMode.ALL)
    day = (timezone.now() + datetime.timedelta(days=5)).date()
    start = datetime.datetime.combine(day, datetime.time(18, 0), tzinfo=datetime.UTC)
    upcoming = EventFactory(
        org=org,
        title="Octavia Butler: Kindred & friends",
        start=start,
        end=start + datetime.timedelta(hours=2),
        capacity=12,
    )
    AttendanceFactory(event=upcoming, membership=jonas_membership, rsvp="going")
    past_start = timezone.now() - datetime.timedelta(days=3)
    past = EventFactory(
        org=org,
        title="Ursula K. Le Guin: The Dispossessed — a long title that has to wrap on a phone",
        start=past_start,
        end=past_start + datetime.timedelta(hours=2),
    )
    AttendanceFactory(
        event=past,
        membership=jonas_membership,
        rsvp="going",
        attended=True,
        attended_source="admin",
    )
    for n in range(3):
        guest = MembershipFactory(org=org, user=UserFactory(name=f"Guest Number {n}"))
        AttendanceFactory(
            event=past,
            membership=guest,
            rsvp="going",
            attended=n != 2,
            attended_source="admin",
        )
    return org, maya, jonas, upcoming, past


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_event_change_message_and_unsubscribe_journey(live_server, browser, circle):
    from tests.browser.fixtures import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    org, maya, jonas, upcoming, past = circle
    admin = open_as(browser, live_server, maya)
    base = f"{live_server.url}/orgs/{org.slug}/admin/events"

    # 1. The admin moves the event by an hour (twice edited, one email).
    admin.goto(f"{base}/{upcoming.pk}/edit/")
    berlin = ZoneInfo("Europe/Berlin")
    wall = upcoming.start.astimezone(berlin)
    assert admin.get_by_label("Starts").input_value() == wall.strftime("%Y-%m-%dT%H:%M")
    later = wall + datetime.timedelta(hours=1)
    admin.get_by_label("Starts").fill(later.strftime("%Y-%m-%dT%H:%M"))
    admin.get_by_label("Ends").fill(
        (later + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    )
    admin.get_by_role("button", name="Save changes").click()
    admin.wait_for_url(f"**/orgs/{org.slug}/events/{upcoming.pk}/")
    mail.outbox.clear()
    notice = EventChangeNotice.objects.get(event=upcoming)
    event_change_notices_send(now=notice.send_after)
    outbox_flush()
    changed = [m for m in mail.outbox if m.subject.startswith("Time changed")]
    assert len(changed) == 1
    [message] = changed
    assert message.to == [jonas.email]
    assert "Kindred & friends" in message.subject  # not &amp;
    assert "was " in message.body
    cal = icalendar.Calendar.from_ical(message.attachments[0][1])
    [vevent] = cal.walk("VEVENT")
    upcoming.refresh_from_db()
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(vevent["UID"]) == upcoming.ical_uid
    assert int(vevent["SEQUENCE"]) == upcoming.sequence > 0

    # 2. The admin events list and the check-in list, on a laptop and on a phone.
    for width, viewport in (("1280", None), ("390", PHONE)):
        page = admin if viewport is None else open_as(browser, live_server, maya, viewport=PHONE)
        page.goto(f"{base}/?status=all")
        assert fits(page), f"events list scrolls sideways at {width} px"
        row_link = page.get_by_role("link", name="Check-in").first
        assert row_link.is_visible()
        page.screenshot(path=str(SCREENSHOTS / f"issue10-admin-events-{width}.png"), full_page=True)
        page.goto(f"{base}/{past.pk}/checkin/")
        assert fits(page), f"check-in list scrolls sideways at {width} px"
        assert page.get_by_role("button", name="Mark Guest Number 2 attended").is_visible()
        page.screenshot(path=str(SCREENSHOTS / f"issue10-checkin-{width}.png"), full_page=True)
        if viewport is not None:
            page.context.close()

    # 3. The admin messages the people who came to the past event.
    admin.goto(f"{base}/{past.pk}/messages/")
    admin.get_by_label("Attended (3)").check()
    admin.get_by_label("Subject").fill("Thanks for coming & the slides")
    admin.get_by_role("textbox", name="Message").fill(
        "The slides are [here](https://example.org/slides)."
    )
    admin.get_by_role("button", name="Preview").click()
    assert admin.get_by_test_id("recipient-count").inner_text().startswith("This goes to 3 people")
    admin.screenshot(path=str(SCREENSHOTS / "issue10-message-preview-1280.png"), full_page=True)
    admin.get_by_role("button", name="Send to 3 people").click()
    assert admin.get_by_text("Sent to 3 people (attended) by Maya Lindqvist").is_visible()
    admin.screenshot(path=str(SCREENSHOTS / "issue10-message-sent-1280.png"), full_page=True)
    assert EventMessage.objects.get(event=past).recipient_count == 3
    phone = open_as(browser, live_server, maya, viewport=PHONE)
    phone.goto(f"{base}/{past.pk}/messages/")
    assert fits(phone), "the message page scrolls sideways at 390 px"
    phone.screenshot(path=str(SCREENSHOTS / "issue10-message-390.png"), full_page=True)
    phone.context.close()

    # Jonas's dashboard: his RSVP with its status, the message in his notifications.
    for width, viewport in (("1280", None), ("390", PHONE)):
        options = {"viewport": viewport} if viewport else {}
        mine = open_as(browser, live_server, jonas, **options)
        rsvps = mine.get_by_test_id("my-rsvps")
        assert "Octavia Butler: Kindred & friends" in rsvps.inner_text()
        assert "Going" in rsvps.inner_text()
        assert fits(mine)
        mine.screenshot(path=str(SCREENSHOTS / f"issue10-dashboard-{width}.png"), full_page=True)
        mine.context.close()

    # 4. Jonas unsubscribes from announcements: nothing of that kind, and no digest either.
    member = new_page(browser, viewport=PHONE)
    member.goto(live_server.url + urlsplit(unsubscribe_url(jonas, "announcements")).path)
    member.get_by_role("button", name="Unsubscribe").click()
    assert member.get_by_text("You’re unsubscribed from new-event announcements").is_visible()
    assert member.get_by_role("button", name="Get the weekly digest instead").is_visible()
    member.screenshot(path=str(SCREENSHOTS / "issue10-unsubscribed-390.png"), full_page=True)
    member.context.close()

    mail.outbox.clear()
    fresh = EventFactory(org=org, title="A new event after the unsubscribe")
    now = timezone.now()
    announcements_send(now=now + datetime.timedelta(days=1))
    monday = (now + datetime.timedelta(days=7 - now.weekday())).replace(hour=10)
    digest_send(now=monday)
    outbox_flush()
    assert [m for m in mail.outbox if jonas.email in m.to] == []
    assert Event.objects.filter(pk=fresh.pk).exists()
