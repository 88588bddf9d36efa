"""The weekly digest: mode `weekly`, local Monday 09:00, once a week, nothing when nothing's on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from astn.notifications.models import Notification, OutboundEmail
from astn.notifications.services.sending import outbox_render
from events.models import Event
from events.services.announcements import announcements_send
from events.services.digest import digest_send
from tests.factories.attendance import AttendanceFactory
from tests.factories.events import EventFactory
from tests.factories.members import at, make_member, run_on_two_threads
from tests.factories.orgs import OrganizationFactory

# Monday 23 November 2026, 09:00 local:
AUCKLAND_MONDAY_9 = at("2026-11-22 20:00")  # NZDT, UTC+13
HONOLULU_MONDAY_9 = at("2026-11-23 19:00")  # HST, UTC-10
BERLIN_MONDAY_9 = at("2026-11-23 08:00")  # CET, UTC+1


def event_at(org, title, start, **kwargs):
    return EventFactory(
        org=org,
        title=title,
        start=start,
        end=start + timedelta(hours=2),
        published_at=at("2026-11-01 00:00"),
        **kwargs,
    )


@pytest.fixture
def orgs(db):
    readers = OrganizationFactory(name="Readers")
    makers = OrganizationFactory(name="Makers")
    event_at(readers, "Book club", at("2026-11-25 18:00"))
    event_at(readers, "Poetry slam", at("2026-12-01 18:00"))
    event_at(makers, "Repair cafe", at("2026-11-28 10:00"))
    return readers, makers


def hourly_runs(first, last):
    """Run the job as beat does (every hour at :02) and return {user email: [run times]}."""
    sent: dict[str, list] = {}
    now = first
    while now <= last:
        before = len(mail.outbox)
        digest_send(now=now)
        OutboundEmail.objects.filter(status="queued").update(status="sent", sent_at=now)
        for email in OutboundEmail.objects.filter(key__startswith="digest:", sent_at=now):
            sent.setdefault(email.to, []).append(now)
        assert len(mail.outbox) == before  # nothing sent behind the test's back
        now += timedelta(hours=1)
    return sent


@pytest.mark.django_db
def test_each_member_gets_it_at_their_own_monday_nine_and_at_no_other_hour(orgs):
    readers, makers = orgs
    kiwi = make_member(readers, tz="Pacific/Auckland").user
    make_member(makers, user=kiwi, tz="Pacific/Auckland")
    hawaii = make_member(readers, tz="Pacific/Honolulu").user
    berlin = make_member(makers, tz="Europe/Berlin").user

    # Every hour from Saturday to Wednesday (UTC), at :02 like the beat schedule.
    sent = hourly_runs(at("2026-11-21 00:02"), at("2026-11-25 23:02"))

    assert sent == {
        kiwi.email: [AUCKLAND_MONDAY_9 + timedelta(minutes=2)],
        hawaii.email: [HONOLULU_MONDAY_9 + timedelta(minutes=2)],
        berlin.email: [BERLIN_MONDAY_9 + timedelta(minutes=2)],
    }
    assert set(OutboundEmail.objects.values_list("key", flat=True)) == {
        f"digest:{kiwi.pk}:2026-W48",
        f"digest:{hawaii.pk}:2026-W48",
        f"digest:{berlin.pk}:2026-W48",
    }


@pytest.mark.django_db
def test_the_digest_covers_all_unmuted_orgs_in_the_members_time(orgs):
    readers, makers = orgs
    member = make_member(readers, tz="Pacific/Auckland")
    make_member(makers, user=member.user, tz="Pacific/Auckland")
    muted_org = OrganizationFactory(name="Noisy")
    make_member(muted_org, user=member.user, muted=True)
    event_at(muted_org, "Loud party", at("2026-11-26 20:00"))
    event_at(readers, "Too far ahead", at("2026-12-20 18:00"))
    cancelled = event_at(readers, "Called off", at("2026-11-27 18:00"))
    Event.objects.filter(pk=cancelled.pk).update(status=Event.Status.CANCELLED)

    assert digest_send(now=AUCKLAND_MONDAY_9) == 1
    email = OutboundEmail.objects.get()
    assert email.category == "digest"
    assert email.subject == "Your week: 3 events from 2 orgs"
    titles = [item["title"] for day in email.context["days"] for item in day["events"]]
    assert titles == ["Book club", "Repair cafe", "Poetry slam"]
    first = email.context["days"][0]
    assert first["day"] == "Thursday 26 November"  # 18:00Z on the 25th is 07:00 NZDT on the 26th
    assert first["events"][0]["when"] == "Thu 26 Nov, 07:00–09:00 (Auckland time)"
    twin = Notification.objects.get(key=email.key)
    assert twin.title == email.subject
    assert twin.url == "/events/"


@pytest.mark.django_db
def test_nothing_to_say_sends_nothing(db):
    quiet = OrganizationFactory(name="Quiet")
    make_member(quiet, tz="Europe/Berlin")
    event_at(quiet, "Next month", at("2026-12-24 18:00"))
    assert digest_send(now=BERLIN_MONDAY_9) == 0
    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_only_mode_weekly_gets_a_digest_and_a_muted_org_sends_nothing(orgs):
    readers, _makers = orgs
    make_member(readers, mode="all")
    make_member(readers, mode="none")
    make_member(readers, mode="weekly", muted=True)
    weekly = make_member(readers, mode="weekly").user
    assert digest_send(now=BERLIN_MONDAY_9) == 1
    assert OutboundEmail.objects.get().to == weekly.email


@pytest.mark.django_db
def test_mode_weekly_gets_no_announcements_and_exactly_one_digest(db):
    org = OrganizationFactory(name="Readers")
    weekly = make_member(org, mode="weekly").user
    fan = make_member(org, mode="all").user
    for n in range(3):
        EventFactory(
            org=org,
            title=f"New {n}",
            start=at("2026-11-27 18:00"),
            end=at("2026-11-27 20:00"),
            published_at=at("2026-11-23 07:30") + timedelta(minutes=n),
        )
    for minutes in range(0, 24 * 60, 10):  # a whole Monday of both jobs
        now = at("2026-11-23 00:02") + timedelta(minutes=minutes)
        announcements_send(now=now)
        digest_send(now=now)
    by_recipient = {}
    for email in OutboundEmail.objects.all():
        by_recipient.setdefault(email.to, []).append(email.key.split(":")[0])
    assert by_recipient == {weekly.email: ["digest"], fan.email: ["announce"]}


@pytest.mark.django_db
def test_a_missed_nine_oclock_is_caught_up_on_monday_but_not_on_tuesday(orgs):
    readers, _makers = orgs
    monday = make_member(readers, tz="Europe/Berlin").user
    assert digest_send(now=BERLIN_MONDAY_9 + timedelta(hours=5)) == 1  # 14:00, worker was down
    assert OutboundEmail.objects.get().to == monday.email
    assert digest_send(now=BERLIN_MONDAY_9 + timedelta(hours=6)) == 0

    tuesday = make_member(OrganizationFactory(), tz="Europe/Berlin").user
    event_at(tuesday.memberships.get().org, "Soon", at("2026-12-02 18:00"))
    assert digest_send(now=BERLIN_MONDAY_9 + timedelta(days=1)) == 0  # Tuesday 09:00
    assert not OutboundEmail.objects.filter(to=tuesday.email).exists()
    assert digest_send(now=BERLIN_MONDAY_9 + timedelta(days=7)) == 2  # next Monday: both


ZONES = ["Pacific/Kiritimati", "Pacific/Auckland", "Asia/Tokyo", "Asia/Kolkata", "Europe/Berlin",
         "America/Sao_Paulo", "America/New_York", "America/Los_Angeles", "Pacific/Honolulu",
         "Pacific/Pago_Pago"]  # fmt: skip


def _digest_due(now, zone: str) -> bool:
    from zoneinfo import ZoneInfo

    local = now.astimezone(ZoneInfo(zone))
    return local.weekday() == 0 and local.hour >= 9


@pytest.mark.django_db
def test_run_job_weekly_digest_sends_to_whoever_is_due_at_the_real_time():
    # run_job uses the real clock: pick a zone where it is Monday after 09:00 right now
    # (then one digest goes out), or else one where it is not (then none does).
    import io

    from django.utils import timezone

    now = timezone.now()
    org = OrganizationFactory(name="Clockwatchers")
    event_at(org, "Coming up", now + timedelta(days=2))
    due = next((zone for zone in ZONES if _digest_due(now, zone)), None)
    zone = due or next(zone for zone in ZONES if not _digest_due(now, zone))
    member = make_member(org, tz=zone).user
    out = io.StringIO()

    call_command("run_job", "weekly_digest", stdout=out)

    expected = 1 if due else 0
    assert f"weekly_digest: {expected}" in out.getvalue()
    assert [m.to for m in mail.outbox] == ([[member.email]] if due else [])


@pytest.mark.django_db(transaction=True)
def test_the_job_twice_and_on_two_threads_at_once_sends_one_digest_per_member():
    org = OrganizationFactory(name="Busy Hub")
    event_at(org, "Book club", at("2026-11-25 18:00"))
    members = [make_member(org, tz="Europe/Berlin").user for _ in range(25)]

    results = run_on_two_threads(lambda: digest_send(now=BERLIN_MONDAY_9))
    assert sum(results) == len(members)
    assert digest_send(now=BERLIN_MONDAY_9 + timedelta(minutes=30)) == 0

    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in members)
    assert {m.subject for m in mail.outbox} == {"Your week: 1 event from 1 org"}
    assert Notification.objects.count() == len(members)


@pytest.mark.django_db
def test_the_digest_says_which_events_the_member_is_going_to_with_their_online_link(orgs):
    readers, _makers = orgs
    member = make_member(readers, tz="Pacific/Auckland")
    salon = event_at(readers, "Online salon", at("2026-11-27 18:00"), is_online=True,
                     virtual_link="https://meet.example.org/salon")  # fmt: skip
    event_at(readers, "Online quiz", at("2026-11-29 18:00"), is_online=True,
             virtual_link="https://meet.example.org/quiz")  # fmt: skip
    AttendanceFactory(event=salon, membership=member)
    someone_else = make_member(readers, mode="instant")
    AttendanceFactory(event=Event.objects.get(title="Book club"), membership=someone_else)

    assert digest_send(now=AUCKLAND_MONDAY_9) == 1
    email = OutboundEmail.objects.get(to=member.user.email)
    going = {
        item["title"]: item["going"] for day in email.context["days"] for item in day["events"]
    }
    assert going == {"Book club": False, "Online salon": True, "Online quiz": False,
                     "Poetry slam": False}  # fmt: skip
    assert email.context["going_count"] == 1

    rendered = outbox_render(email)
    assert "You're going to 1 of them." in rendered.html
    assert rendered.html.count("&#10003; You're going") == 1
    assert "https://meet.example.org/salon" in rendered.html  # a seat shows the link
    assert "https://meet.example.org/quiz" not in rendered.html  # no seat, no link
    assert "Online salon (you're going)" in rendered.text
    assert "Book club (you're going)" not in rendered.text
