"""Event reminders: who gets one, when, once — across DST and on two workers at once."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command

from astn.notifications.models import Notification, OutboundEmail
from attendance.models import Attendance
from attendance.services.reminders import reminders_send
from events.models import Event
from tests.factories.attendance import AttendanceFactory
from tests.factories.events import EventFactory, OnlineEventFactory
from tests.factories.members import at, make_member, run_on_two_threads
from tests.factories.orgs import ContactMembershipFactory, OrganizationFactory

START = at("2026-11-26 18:00")  # Thursday 19:00 in Berlin
EPOCH = int(START.timestamp())  # reminder keys name the start they remind of


def rsvp(event, membership=None, *, rsvp="going", rsvp_at=None, **member):
    membership = membership or make_member(event.org, **member)
    return AttendanceFactory(
        event=event, membership=membership, rsvp=rsvp, rsvp_at=rsvp_at or START - timedelta(days=3)
    )


def send(now):
    """Run the job's service as the job does, outside any transaction of the test."""
    return reminders_send(now=now)


@pytest.fixture
def event(db):
    return EventFactory(
        org=OrganizationFactory(name="Berlin Readers"),
        title="Reading night",
        start=START,
        end=START + timedelta(hours=2),
    )


@pytest.mark.django_db
def test_the_day_before_reminder_carries_the_time_place_link_and_ics(
    event, django_capture_on_commit_callbacks
):
    attendance = rsvp(event)
    with django_capture_on_commit_callbacks(execute=True):
        assert send(START - timedelta(hours=23)) == 1

    [message] = mail.outbox
    assert message.subject == "Reminder: Reading night tomorrow at 19:00"
    html = message.alternatives[0][0]
    assert "Thu 26 Nov, 19:00–21:00 (Berlin time)" in message.body
    assert "Café Kafka, Oranienstraße 1, Berlin" in message.body
    assert f"/orgs/{event.org.slug}/events/{event.pk}/" in html  # change-RSVP link
    assert "change your RSVP" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [(filename, content, mimetype)] = message.attachments
    assert filename == "event.ics"
    assert mimetype == "text/calendar"
    [vevent] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert str(vevent["UID"]) == event.ical_uid
    key = f"reminder:{attendance.pk}:1d:{EPOCH}"
    assert OutboundEmail.objects.get(key=key).category == "reminders"
    twin = Notification.objects.get(key=key)
    assert twin.user == attendance.membership.user
    assert twin.url == event.get_absolute_url()


@pytest.mark.django_db
def test_the_hour_before_reminder_comes_in_the_last_hour_only(
    event, django_capture_on_commit_callbacks
):
    attendance = rsvp(event)
    with django_capture_on_commit_callbacks(execute=True):
        assert send(START - timedelta(hours=23)) == 1  # the day-before one
        assert send(START - timedelta(minutes=61)) == 0
        assert send(START - timedelta(minutes=50)) == 1
        assert send(START - timedelta(minutes=40)) == 0
        assert send(START + timedelta(minutes=1)) == 0
    assert [m.subject for m in mail.outbox] == [
        "Reminder: Reading night tomorrow at 19:00",
        "Reminder: Reading night today at 19:00",
    ]
    assert set(OutboundEmail.objects.values_list("key", flat=True)) == {
        f"reminder:{attendance.pk}:1d:{EPOCH}",
        f"reminder:{attendance.pk}:1h:{EPOCH}",
    }


@pytest.mark.django_db
def test_a_late_run_never_sends_the_day_before_text_in_the_last_hour(event):
    rsvp(event)
    assert send(START - timedelta(minutes=30)) == 1
    assert OutboundEmail.objects.get().key.endswith(f":1h:{EPOCH}")


@pytest.mark.django_db
def test_an_offset_that_had_passed_when_the_rsvp_was_made_is_skipped(event):
    late = rsvp(event, rsvp_at=START - timedelta(hours=5))  # after the 1-day mark
    just_in_time = rsvp(event, rsvp_at=START - timedelta(hours=24))
    last_minute = rsvp(event, rsvp_at=START - timedelta(minutes=30))  # after both marks

    assert send(START - timedelta(hours=4)) == 1
    assert send(START - timedelta(minutes=20)) == 2

    keys = set(OutboundEmail.objects.values_list("key", flat=True))
    assert keys == {
        f"reminder:{just_in_time.pk}:1d:{EPOCH}",
        f"reminder:{just_in_time.pk}:1h:{EPOCH}",
        f"reminder:{late.pk}:1h:{EPOCH}",
    }
    assert not any(key.startswith(f"reminder:{last_minute.pk}:") for key in keys)


@pytest.mark.django_db
def test_a_day_before_is_24_hours_before_across_the_dst_change():
    # Sunday 25 Oct 2026 19:00 in Berlin is CET (UTC+1) = 18:00Z; the day before is CEST.
    start = at("2026-10-25 18:00")
    event = EventFactory(
        title="After the clocks change", start=start, end=start + timedelta(hours=2)
    )
    rsvp(event, rsvp_at=start - timedelta(days=7), tz="Europe/Berlin")

    # 19:00 CEST on Saturday is 17:00Z: the same wall-clock time, but 25 h before.
    assert send(at("2026-10-24 17:00")) == 0
    assert send(at("2026-10-24 17:59")) == 0
    assert send(at("2026-10-24 18:00")) == 1  # 24 h before: 20:00 CEST on Saturday
    email = OutboundEmail.objects.get()
    assert email.subject == "Reminder: After the clocks change tomorrow at 19:00"
    assert "Sun 25 Oct, 19:00–21:00 (Berlin time)" in email.context["event"]["when"]


@pytest.mark.django_db
def test_times_are_in_the_members_zone(event):
    rsvp(event, tz="America/New_York")
    send(START - timedelta(hours=20))
    email = OutboundEmail.objects.get()
    assert email.subject == "Reminder: Reading night tomorrow at 13:00"
    assert email.context["event"]["when"] == "Thu 26 Nov, 13:00–15:00 (New York time)"


@pytest.mark.django_db
def test_nobody_is_reminded_who_should_not_be(event):
    rsvp(event, muted=True)
    rsvp(event, remind_day_before=False)
    rsvp(event, rsvp="not_going")
    AttendanceFactory(
        event=event,
        membership=make_member(event.org),
        rsvp="waitlisted",
        waitlisted_at=START - timedelta(days=2),
        rsvp_at=START - timedelta(days=2),
    )
    AttendanceFactory(
        event=event,
        membership=ContactMembershipFactory(org=event.org),
        rsvp_at=START - timedelta(days=3),
    )
    left = rsvp(event)
    left.membership.status = "left"
    left.membership.save()
    cancelled = EventFactory(org=event.org, start=START, end=START + timedelta(hours=1))
    rsvp(cancelled)
    Event.objects.filter(pk=cancelled.pk).update(status=Event.Status.CANCELLED)
    draft = EventFactory(org=event.org, start=START, end=START + timedelta(hours=1))
    rsvp(draft)
    Event.objects.filter(pk=draft.pk).update(status=Event.Status.DRAFT)

    assert send(START - timedelta(hours=23)) == 0
    assert OutboundEmail.objects.count() == 0
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_maybe_and_mode_none_are_reminded_but_only_going_gets_the_online_link():
    online = OnlineEventFactory(title="Online salon", start=START, end=START + timedelta(hours=1))
    going = rsvp(online, mode="none")
    maybe = rsvp(online, rsvp="maybe")
    assert send(START - timedelta(hours=23)) == 2
    going_email = OutboundEmail.objects.get(key=f"reminder:{going.pk}:1d:{EPOCH}")
    maybe_email = OutboundEmail.objects.get(key=f"reminder:{maybe.pk}:1d:{EPOCH}")
    assert going_email.context["event"]["online_link"] == online.virtual_link
    assert online.virtual_link in going_email.attachments[0]["content"]
    assert maybe_email.context["event"]["online_link"] == ""
    assert online.virtual_link not in maybe_email.attachments[0]["content"]


@pytest.mark.django_db
def test_run_job_event_reminders_sends_before_returning(event):
    # The job runs at the real "now": put the event 23 hours ahead of it.
    from django.utils import timezone

    start = (timezone.now() + timedelta(hours=23)).replace(microsecond=0)
    Event.objects.filter(pk=event.pk).update(start=start, end=start + timedelta(hours=2))
    rsvp(event, rsvp_at=start - timedelta(days=2))
    call_command("run_job", "event_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Reminder: Reading night")


# --- Twice, and on two threads at once ------------------------------------------------------


def _many_due(count_per_event=15):
    org = OrganizationFactory(name="Busy Hub")
    events = [
        EventFactory(org=org, title=f"Night {n}", start=START, end=START + timedelta(hours=2))
        for n in range(3)
    ]
    members = [make_member(org) for _ in range(count_per_event)]
    return [
        AttendanceFactory(event=e, membership=m, rsvp_at=START - timedelta(days=3))
        for e in events
        for m in members
    ]


@pytest.mark.django_db(transaction=True)
def test_the_job_twice_and_on_two_threads_at_once_reminds_everyone_exactly_once():
    attendances = _many_due()
    now = START - timedelta(hours=23)

    results = run_on_two_threads(lambda: reminders_send(now=now, batch_size=7))
    assert sum(results) == len(attendances)
    assert reminders_send(now=now) == 0  # and a third run finds nothing

    sent = [(m.to[0], m.subject) for m in mail.outbox]
    assert len(sent) == len(attendances)
    assert len(set(sent)) == len(sent)
    expected = {
        (a.membership.user.email, f"Reminder: {a.event.title} tomorrow at 19:00")
        for a in Attendance.objects.select_related("membership__user", "event")
    }
    assert set(sent) == expected
    assert Notification.objects.count() == len(attendances)
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
