"""Render each new email as the sender does and screenshot it (var/screenshots/email-*.png)."""

from datetime import timedelta

import pytest

from astn.notifications.models import OutboundEmail
from astn.notifications.services import outbox_render
from attendance.services.reminders import reminders_send
from events.services.announcements import announcements_send
from events.services.digest import digest_send
from tests.factories.attendance import AttendanceFactory
from tests.factories.events import EventFactory, OnlineEventFactory
from tests.factories.members import at, make_member
from tests.factories.orgs import OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

DESCRIPTION = (
    "We read **Middlemarch**, chapters 1–10. Bring the book, a question, or just come and "
    "listen. Tea and biscuits provided; the café is step-free."
)


def shoot(
    page,
    screenshot,
    email: OutboundEmail,
    name: str,
    *,
    subject: str | None = None,
    greeting: str | None = None,
    titles: tuple[str, ...] | list[str] = (),
    link_to: str | None = None,
) -> None:
    """Render `email`, check what a reader would check, then screenshot it.

    The subject line; the greeting by first name; each event title on screen; a
    link (the button or an event card) to the page it should open; no template tag
    left raw; an unsubscribe link in the footer of category emails.
    """
    rendered = outbox_render(email)
    if subject is not None:
        assert rendered.subject == subject
    for part in (rendered.html, rendered.text):
        assert "{{" not in part
        assert "{%" not in part
        assert "&amp;amp;" not in part
    page.set_viewport_size({"width": 700, "height": 900})
    page.set_content(rendered.html)
    body = page.inner_text("body")
    if greeting is not None:
        assert greeting in body
    for title in titles:
        assert title in body, title
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    if link_to is not None:
        assert any(link_to in href for href in hrefs), (link_to, hrefs)
    if email.category:
        assert any("/u/" in href for href in hrefs), "no unsubscribe link"
    screenshot(name)


def test_reminder_email(page, screenshot):
    org = OrganizationFactory(name="Berlin Readers")
    start = at("2026-11-26 18:00")
    event = EventFactory(
        org=org,
        title="Middlemarch night",
        description=DESCRIPTION,
        start=start,
        end=start + timedelta(hours=2),
    )
    member = make_member(org, tz="Europe/Berlin")
    member.user.name = "Mina Schmidt"
    member.user.save()
    AttendanceFactory(event=event, membership=member, rsvp_at=start - timedelta(days=4))
    reminders_send(now=start - timedelta(hours=23))
    email = OutboundEmail.objects.get()
    shoot(
        page,
        screenshot,
        email,
        "email-reminder",
        subject=email.subject,
        greeting="Hi Mina,",
        titles=["Middlemarch night"],
        link_to=event.get_absolute_url(),
    )
    assert "Middlemarch night" in email.subject


def test_announcement_email(page, screenshot):
    org = OrganizationFactory(name="Berlin Readers")
    make_member(org, mode="all", tz="Europe/Berlin")
    EventFactory(
        org=org,
        title="Middlemarch night",
        description=DESCRIPTION,
        start=at("2026-12-03 18:00"),
        end=at("2026-12-03 20:00"),
        published_at=at("2026-11-24 09:00"),
    )
    OnlineEventFactory(
        org=org,
        title="Online: Q&A with the translator",
        description="Ask anything.",
        start=at("2026-12-08 19:00"),
        end=at("2026-12-08 20:00"),
        published_at=at("2026-11-24 09:01"),
    )
    announcements_send(now=at("2026-11-24 09:10"))
    email = OutboundEmail.objects.get()
    shoot(
        page,
        screenshot,
        email,
        "email-announcement",
        subject=email.subject,
        greeting="Hi ",
        titles=["Middlemarch night", "Online: Q&A with the translator"],
        link_to=f"/orgs/{org.slug}/events/",
    )
    assert "Berlin Readers" in email.subject


def test_digest_email(page, screenshot):
    readers = OrganizationFactory(name="Berlin Readers")
    makers = OrganizationFactory(name="Kreuzberg Makers")
    member = make_member(readers, tz="Europe/Berlin")
    make_member(makers, user=member.user)
    EventFactory(
        org=readers,
        title="Middlemarch night",
        description=DESCRIPTION,
        start=at("2026-11-26 18:00"),
        end=at("2026-11-26 20:00"),
    )
    EventFactory(
        org=makers,
        title="Repair café",
        description="Bring what's broken.",
        location="Werkstatt, Wiener Str. 12",
        start=at("2026-11-28 10:00"),
        end=at("2026-11-28 13:00"),
    )
    EventFactory(
        org=makers,
        title="Soldering for beginners",
        description="",
        start=at("2026-11-28 14:00"),
        end=at("2026-11-28 16:00"),
    )
    OnlineEventFactory(
        org=readers,
        title="Online reading sprint",
        start=at("2026-12-02 19:00"),
        end=at("2026-12-02 20:00"),
    )
    digest_send(now=at("2026-11-23 08:02"))
    email = OutboundEmail.objects.get()
    shoot(
        page,
        screenshot,
        email,
        "email-digest",
        subject=email.subject,
        greeting="Hi ",
        titles=["Middlemarch night", "Repair café", "Soldering for beginners"],
        link_to=f"/orgs/{readers.slug}/events/",
    )
    assert email.subject.startswith("Your week:")


def test_text_parts_read_well(page):
    """Print the text parts (pytest -s) — and check they hold the essentials."""
    org = OrganizationFactory(name="Berlin Readers")
    start = at("2026-11-26 18:00")
    event = OnlineEventFactory(
        org=org, title="Online salon", start=start, end=start + timedelta(hours=1)
    )
    member = make_member(org, mode="all", tz="Pacific/Honolulu")
    AttendanceFactory(event=event, membership=member, rsvp_at=start - timedelta(days=4))
    reminders_send(now=start - timedelta(minutes=30))
    text = outbox_render(OutboundEmail.objects.get()).text
    print(text)
    assert "Online salon" in text
    assert "Thu 26 Nov, 08:00–09:00 (Honolulu time)" in text
    assert event.virtual_link in text
    assert "/me/settings/" in text


def test_event_changed_email(page, screenshot):
    from attendance.models import EventChangeNotice
    from attendance.services.changes import event_change_notices_send, event_change_record

    org = OrganizationFactory(name="Berlin Readers")
    start = at("2030-03-14 18:00")
    event = EventFactory(
        org=org, title="Q&A: Middlemarch", start=start, end=start + timedelta(hours=2)
    )
    member = make_member(org, tz="Europe/Berlin")
    member.user.name = "Mina Schmidt"
    member.user.save()
    AttendanceFactory(event=event, membership=member, rsvp="going")
    previous = {"start": event.start, "end": event.end}
    event.start, event.end = start + timedelta(hours=1), start + timedelta(hours=3)
    event.save()
    event_change_record(event=event, fields=frozenset(previous), previous=previous, now=start)
    event_change_notices_send(now=EventChangeNotice.objects.get().send_after)
    email = OutboundEmail.objects.get()
    rendered = outbox_render(email)
    assert email.subject == "Time changed: Q&A: Middlemarch is now Thu 14 Mar, 20:00–22:00"
    assert "Hi Mina" in rendered.html
    assert "Q&amp;A: Middlemarch" in rendered.html
    assert "line-through" in rendered.html  # the old time, struck out
    shoot(page, screenshot, email, "email-event-changed")


def test_event_message_email(page, screenshot):
    from django.utils import timezone

    from attendance.services.messages import event_message_send
    from tests.factories.accounts import UserFactory
    from tests.factories.events import PastEventFactory

    org = OrganizationFactory(name="Berlin Readers")
    event = PastEventFactory(org=org, title="Middlemarch night")
    member = make_member(org, tz="Europe/Berlin")
    AttendanceFactory(
        event=event, membership=member, rsvp="going", attended=True, attended_source="admin"
    )
    maya = UserFactory(name="Maya Lindqvist")
    event_message_send(
        event=event,
        sender=maya,
        segment="attended",
        subject="Thank you for coming!",
        body="The notes are [here](https://example.org/notes).\n\n- Next: *Persuasion*\n- Tea",
        now=timezone.now(),
    )
    email = OutboundEmail.objects.get()
    rendered = outbox_render(email)
    assert "Maya Lindqvist wrote about" in rendered.html
    assert '<a href="https://example.org/notes"' in rendered.html
    assert "here (https://example.org/notes)" in rendered.text
    shoot(page, screenshot, email, "email-event-message")
