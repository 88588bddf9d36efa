"""Event changes reach the people who RSVPed: once per burst of edits, with an updated invite."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.core import mail

from astn.notifications.models import Notification, OutboundEmail
from attendance.models import EventChangeNotice
from attendance.services.changes import event_change_notices_send
from attendance.services.reminders import reminders_send
from events.models import Event
from events.services import event_cancel, event_update
from tests.factories.attendance import AttendanceFactory
from tests.factories.events import EventFactory
from tests.factories.members import at, make_member
from tests.factories.orgs import OrganizationFactory

START = at("2030-03-14 18:00")  # Thursday 19:00 in Berlin


@pytest.fixture
def event(db):
    return EventFactory(
        org=OrganizationFactory(name="Berlin Readers"),
        title="Q&A night",
        start=START,
        end=START + timedelta(hours=2),
        sequence=2,
    )


def rsvp(event, rsvp="going", **member):
    waitlisted_at = START - timedelta(days=1) if rsvp == "waitlisted" else None
    return AttendanceFactory(
        event=event,
        membership=make_member(event.org, **member),
        rsvp=rsvp,
        waitlisted_at=waitlisted_at,
        rsvp_at=START - timedelta(days=3),
    )


def edit(event, captured, **values):
    """Edit as an admin does, running the on-commit signal receivers."""
    with captured(execute=True):
        return event_update(event=event, acting_user=None, **values)


def flush(now):
    """Run the job at `now` and deliver what it queued."""
    from astn.notifications.services import outbox_flush

    told = event_change_notices_send(now=now)
    outbox_flush()
    return told


@pytest.mark.django_db
def test_moving_an_event_tells_each_person_once_with_a_request_invite(
    event, django_capture_on_commit_callbacks
):
    going, maybe, waitlisted = rsvp(event), rsvp(event, "maybe"), rsvp(event, "waitlisted")
    rsvp(event, "not_going")
    edit(event, django_capture_on_commit_callbacks, start=START + timedelta(hours=1))
    edit(event, django_capture_on_commit_callbacks, end=START + timedelta(hours=3))

    notice = EventChangeNotice.objects.get(event=event)
    assert flush(notice.first_changed_at + timedelta(minutes=1)) == 0  # still settling
    assert flush(notice.send_after) == 3
    assert flush(notice.send_after + timedelta(hours=1)) == 0  # and never again

    assert len(mail.outbox) == 3
    message = next(m for m in mail.outbox if m.to == [going.membership.user.email])
    assert message.subject == "Time changed: Q&A night is now Thu 14 Mar, 20:00–22:00"
    assert "now Thu 14 Mar, 20:00–22:00 (Berlin time)" in message.body
    assert "(was Thu 14 Mar, 19:00–21:00 (Berlin time))" in message.body
    assert "Q&amp;A" not in message.body
    html = message.alternatives[0][0]
    assert "Q&amp;A night" in html
    assert "Q&amp;amp;A" not in html
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("invite.ics", "text/calendar")
    cal = icalendar.Calendar.from_ical(content)
    assert str(cal["METHOD"]) == "REQUEST"
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["UID"]) == event.ical_uid
    assert int(vevent["SEQUENCE"]) == 4  # two calendar edits after 2
    assert vevent.decoded("DTSTART") == START + timedelta(hours=1)
    twin = Notification.objects.get(user=going.membership.user, kind="event.changed")
    assert "was Thu 14 Mar, 19:00–21:00" in twin.body
    assert {m.to[0] for m in mail.outbox} == {
        a.membership.user.email for a in (going, maybe, waitlisted)
    }


@pytest.mark.django_db
def test_a_description_or_title_fix_sends_nothing(event, django_capture_on_commit_callbacks):
    rsvp(event)
    edit(event, django_capture_on_commit_callbacks, description="Now with *typos* fixed")
    edit(event, django_capture_on_commit_callbacks, title="Q&A night!")
    assert not EventChangeNotice.objects.exists()
    assert flush(START) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_change_undone_within_the_window_sends_nothing(event, django_capture_on_commit_callbacks):
    rsvp(event)
    edit(event, django_capture_on_commit_callbacks, location="Somewhere else")
    edit(event, django_capture_on_commit_callbacks, location="Café Kafka, Oranienstraße 1, Berlin")
    notice = EventChangeNotice.objects.get()
    assert flush(notice.send_after) == 0
    notice.refresh_from_db()
    assert notice.sent_at is not None
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_place_change_after_the_window_is_a_second_email(
    event, django_capture_on_commit_callbacks
):
    attendance = rsvp(event)
    edit(event, django_capture_on_commit_callbacks, start=START + timedelta(hours=1))
    flush(EventChangeNotice.objects.get().send_after)
    edit(event, django_capture_on_commit_callbacks, location="Library, Hall 2")
    second = EventChangeNotice.objects.get(sent_at__isnull=True)
    assert flush(second.send_after) == 1
    assert [m.subject for m in mail.outbox][-1] == (
        "Place changed: Q&A night is now at Library, Hall 2"
    )
    keys = set(OutboundEmail.objects.values_list("key", flat=True))
    assert f"event-changed:{second.pk}:{attendance.pk}" in keys


@pytest.mark.django_db
def test_people_who_left_the_org_are_not_told(event, django_capture_on_commit_callbacks):
    stayed, left = rsvp(event), rsvp(event)
    left.membership.status = "left"
    left.membership.save(update_fields=["status"])
    edit(event, django_capture_on_commit_callbacks, start=START + timedelta(hours=1))
    assert flush(EventChangeNotice.objects.get().send_after) == 1
    assert [m.to[0] for m in mail.outbox] == [stayed.membership.user.email]


@pytest.mark.django_db
def test_a_sync_change_is_announced_too(event, django_capture_on_commit_callbacks):
    from events.sync.common import UpstreamEvent, _update

    rsvp(event)
    item = UpstreamEvent(
        external_id="x",
        title=event.title,
        start=START + timedelta(days=1),
        end=START + timedelta(days=1, hours=2),
        timezone=event.timezone,
        description=event.description,
        location=event.location,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert _update(event=event, item=item)
    notice = EventChangeNotice.objects.get()
    assert notice.previous["start"] == START.isoformat()
    assert flush(notice.send_after) == 1
    assert "Fri 15 Mar" in mail.outbox[0].subject


@pytest.mark.django_db
def test_cancelling_sends_a_cancel_invite_and_no_change_email(
    event, django_capture_on_commit_callbacks
):
    rsvp(event)
    edit(event, django_capture_on_commit_callbacks, start=START + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event, acting_user=None)
    from astn.notifications.services import outbox_flush

    outbox_flush()
    assert flush(EventChangeNotice.objects.get().send_after) == 0
    [message] = mail.outbox
    assert message.subject == "Cancelled: Q&A night"
    cal = icalendar.Calendar.from_ical(message.attachments[0][1])
    assert str(cal["METHOD"]) == "CANCEL"
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["UID"]) == event.ical_uid
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert int(vevent["SEQUENCE"]) == Event.objects.get(pk=event.pk).sequence


@pytest.mark.django_db
def test_reminders_follow_the_new_time(event, django_capture_on_commit_callbacks):
    rsvp(event, remind_hour_before=False)
    assert reminders_send(now=START - timedelta(hours=23)) == 1
    # Moved by a day after the day-before reminder went out: a new one comes for the new day.
    edit(
        event,
        django_capture_on_commit_callbacks,
        start=START + timedelta(days=1),
        end=START + timedelta(days=1, hours=2),
    )
    assert reminders_send(now=START - timedelta(hours=22)) == 0
    assert reminders_send(now=START + timedelta(hours=1)) == 1
    assert reminders_send(now=START + timedelta(hours=2)) == 0
