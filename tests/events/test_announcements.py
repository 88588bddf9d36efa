"""New-event announcements: mode `all` only, one email per member per org per day."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from astn.notifications.models import Notification, OutboundEmail
from events.models import Event
from events.services import event_cancel, event_create, event_publish
from events.services.announcements import announcements_send
from tests.factories.events import DraftEventFactory, EventFactory
from tests.factories.members import at, make_member, run_on_two_threads
from tests.factories.orgs import ContactMembershipFactory, OrganizationFactory

# Ahead of the fixed clocks below and of the real one (cancelling and the job use it):
# a fixed date here made two tests fail once it had passed.
EVENT_START = (timezone.now() + timedelta(days=60)).replace(
    hour=18, minute=0, second=0, microsecond=0
)


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Berlin Readers")


def published(org, title, published_at, *, start=EVENT_START):
    return EventFactory(
        org=org,
        title=title,
        start=start,
        end=start + timedelta(hours=2),
        published_at=published_at,
    )


def announcement_titles(email: OutboundEmail) -> list[str]:
    return [item["title"] for item in email.context["events"]]


@pytest.mark.django_db
def test_publishing_announces_to_mode_all_by_email_and_in_app(
    org, django_capture_on_commit_callbacks
):
    fan = make_member(org, mode="all")
    weekly = make_member(org, mode="weekly")
    silent = make_member(org, mode="none")
    muted = make_member(org, mode="all", muted=True)
    ContactMembershipFactory(org=org)
    make_member(OrganizationFactory(name="Elsewhere"), mode="all")
    admin = make_member(org, mode="all", role="admin").user
    start = (timezone.now() + timedelta(days=5)).replace(microsecond=0)

    with django_capture_on_commit_callbacks(execute=True):
        event = event_create(
            org=org,
            acting_user=admin,
            title="Poetry evening",
            start=start,
            end=start + timedelta(hours=2),
            timezone="Europe/Berlin",
            publish=True,
        )

    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([fan.user.email, admin.email])
    message = next(m for m in mail.outbox if m.to == [fan.user.email])
    assert message.subject == "New at Berlin Readers: Poetry evening"
    assert "Poetry evening" in message.alternatives[0][0]
    assert "(Berlin time)" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    twin = Notification.objects.get(user=fan.user)
    assert twin.kind == "event.announced"
    assert twin.url == event.get_absolute_url()
    for quiet in (weekly, silent, muted):
        assert not Notification.objects.filter(user=quiet.user).exists()


@pytest.mark.django_db
def test_events_of_one_day_share_one_email_and_later_ones_wait_for_the_next_morning(org):
    member = make_member(org, mode="all", tz="Europe/Berlin")  # UTC+1 in November
    published(org, "First", at("2026-11-24 09:00"), start=EVENT_START)
    published(org, "Second", at("2026-11-24 09:05"), start=EVENT_START + timedelta(days=1))

    assert announcements_send(now=at("2026-11-24 09:10")) == 1
    email = OutboundEmail.objects.get()
    assert email.key == f"announce:{member.pk}:2026-11-24"
    assert email.subject == "New at Berlin Readers: First and 1 more event"
    assert announcement_titles(email) == ["First", "Second"]

    published(org, "Third", at("2026-11-24 14:00"))
    assert announcements_send(now=at("2026-11-24 14:10")) == 0  # today's email went out
    assert announcements_send(now=at("2026-11-24 23:30")) == 0  # 00:30 in Berlin: too early
    assert announcements_send(now=at("2026-11-25 06:50")) == 0  # 07:50 in Berlin
    assert announcements_send(now=at("2026-11-25 07:00")) == 1  # 08:00 in Berlin

    carried = OutboundEmail.objects.get(key=f"announce:{member.pk}:2026-11-25")
    assert announcement_titles(carried) == ["Third"]
    assert carried.subject == "New at Berlin Readers: Third"
    assert announcements_send(now=at("2026-11-25 12:00")) == 0
    assert Notification.objects.filter(user=member.user).count() == 3


@pytest.mark.django_db
def test_an_event_that_would_start_before_the_next_morning_does_not_wait_for_it(org):
    member = make_member(org, mode="all", tz="Europe/Berlin")  # UTC+1 in November
    published(org, "Book club", at("2026-11-24 09:00"))
    assert announcements_send(now=at("2026-11-24 09:10")) == 1  # today's email

    # Evening, Berlin: a 07:00 run tomorrow and a talk next week are published.
    published(org, "Sunrise run", at("2026-11-24 19:00"), start=at("2026-11-25 06:00"))
    published(org, "Talk next week", at("2026-11-24 19:00"))
    assert announcements_send(now=at("2026-11-24 19:05")) == 1
    soon = OutboundEmail.objects.get(key=f"announce-soon:{member.pk}:2026-11-24")
    assert announcement_titles(soon) == ["Sunrise run"]  # only what cannot wait
    assert announcements_send(now=at("2026-11-24 19:10")) == 0  # once

    assert announcements_send(now=at("2026-11-25 07:00")) == 1  # 08:00: the rest
    morning = OutboundEmail.objects.get(key=f"announce:{member.pk}:2026-11-25")
    assert announcement_titles(morning) == ["Talk next week"]
    told = Notification.objects.filter(user=member.user).values_list("title", flat=True)
    assert sorted(title.removeprefix("New at Berlin Readers: ") for title in told) == [
        "Book club", "Sunrise run", "Talk next week"]  # fmt: skip


@pytest.mark.django_db
def test_a_carried_over_event_starting_before_eight_goes_out_early(org):
    member = make_member(org, mode="all", tz="Europe/Berlin")
    published(org, "Book club", at("2026-11-24 09:00"))
    assert announcements_send(now=at("2026-11-24 09:10")) == 1
    # Published late, starts at 07:30 Berlin; the 23:30 UTC run (00:30 Berlin) is the next day.
    published(org, "Early swim", at("2026-11-24 22:50"), start=at("2026-11-25 06:30"))
    published(org, "Next week", at("2026-11-24 22:50"))
    assert announcements_send(now=at("2026-11-24 23:30")) == 1
    early = OutboundEmail.objects.get(key=f"announce:{member.pk}:2026-11-25")
    assert announcement_titles(early) == ["Early swim", "Next week"]  # the day's one email
    assert announcements_send(now=at("2026-11-25 07:00")) == 0  # nothing left for 08:00


@pytest.mark.django_db
def test_a_fresh_event_goes_out_at_once_even_before_eight(org):
    make_member(org, mode="all", tz="Europe/Berlin")
    published(org, "Early bird", at("2026-11-24 05:00"))  # 06:00 in Berlin
    assert announcements_send(now=at("2026-11-24 05:10")) == 1


@pytest.mark.django_db
def test_each_org_sends_its_own_email_and_the_day_is_the_members(org):
    member = make_member(org, mode="all", tz="Pacific/Auckland")  # UTC+13 in November
    other = OrganizationFactory(name="Auckland Makers")
    make_member(other, user=member.user, mode="all", tz="Pacific/Auckland")
    published(org, "Berlin night", at("2026-11-24 10:30"))  # 23:30 on the 24th in Auckland
    published(other, "Auckland day", at("2026-11-24 10:30"))

    assert announcements_send(now=at("2026-11-24 10:40")) == 2
    assert sorted(OutboundEmail.objects.values_list("subject", flat=True)) == [
        "New at Auckland Makers: Auckland day",
        "New at Berlin Readers: Berlin night",
    ]
    assert OutboundEmail.objects.filter(key=f"announce:{member.pk}:2026-11-24").exists()

    # 00:10 on the 25th in Auckland: a new local day, and this event is fresh in it.
    published(org, "Next one", at("2026-11-24 11:05"))
    assert announcements_send(now=at("2026-11-24 11:10")) == 1
    assert OutboundEmail.objects.filter(key=f"announce:{member.pk}:2026-11-25").exists()


@pytest.mark.django_db
def test_drafts_cancelled_started_and_stale_events_are_never_announced(org):
    make_member(org, mode="all")
    now = at("2026-11-24 12:00")
    DraftEventFactory(org=org, start=EVENT_START, end=EVENT_START + timedelta(hours=1))
    cancelled = published(org, "Cancelled", now - timedelta(minutes=5))
    Event.objects.filter(pk=cancelled.pk).update(status=Event.Status.CANCELLED)
    published(org, "Started", now - timedelta(minutes=5), start=now - timedelta(minutes=1))
    published(org, "Old news", now - timedelta(days=3))

    assert announcements_send(now=now) == 0
    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_a_member_is_not_told_about_events_published_before_they_joined(org):
    member = make_member(org, mode="all")
    member.joined_at = at("2026-11-24 10:00")
    member.save()
    published(org, "Before", at("2026-11-24 09:00"))
    assert announcements_send(now=at("2026-11-24 10:05")) == 0
    published(org, "After", at("2026-11-24 10:10"))
    assert announcements_send(now=at("2026-11-24 10:15")) == 1
    assert announcement_titles(OutboundEmail.objects.get()) == ["After"]


@pytest.mark.django_db
def test_an_event_cancelled_before_the_job_ran_is_dropped_from_the_email(org):
    admin = make_member(org, mode="all", role="admin").user
    kept = published(org, "Kept", at("2026-11-24 09:00"))
    dropped = published(org, "Dropped", at("2026-11-24 09:00"))
    event_cancel(event=dropped, acting_user=admin)
    assert announcements_send(now=at("2026-11-24 09:10")) == 1
    assert announcement_titles(OutboundEmail.objects.get()) == [kept.title]


@pytest.mark.django_db
def test_publishing_a_draft_later_announces_it(org, django_capture_on_commit_callbacks):
    fan = make_member(org, mode="all")
    admin = make_member(org, role="admin").user
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    draft = DraftEventFactory(org=org, start=start, end=start + timedelta(hours=1))
    assert announcements_send(now=timezone.now()) == 0
    with django_capture_on_commit_callbacks(execute=True):
        event_publish(event=draft, acting_user=admin)
    assert [m.to for m in mail.outbox] == [[fan.user.email]]


@pytest.mark.django_db
def test_run_job_event_announcements(org):
    # The job runs on the real clock. An event published three minutes before the
    # member's midnight is yesterday's, carried to 08:00 (tested above), so the member
    # lives where it is not just past midnight: two zones six hours apart, one always is.
    now = timezone.now()
    zone = next(
        name
        for name in ("Europe/Berlin", "America/New_York")
        if now.astimezone(ZoneInfo(name)).time() >= time(0, 10)
    )
    make_member(org, mode="all", tz=zone)
    published(org, "Via the job", now - timedelta(minutes=3))
    call_command("run_job", "event_announcements", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [m.subject for m in mail.outbox] == ["New at Berlin Readers: Via the job"]


@pytest.mark.django_db(transaction=True)
def test_the_job_twice_and_on_two_threads_at_once_announces_once_per_member():
    org = OrganizationFactory(name="Busy Hub")
    members = [make_member(org, mode="all") for _ in range(25)]
    for n in range(3):
        published(org, f"Event {n}", at("2026-11-24 09:00"))
    now = at("2026-11-24 09:10")

    results = run_on_two_threads(lambda: announcements_send(now=now))
    assert sum(results) == len(members)
    assert announcements_send(now=now) == 0

    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.user.email for m in members)
    assert Notification.objects.count() == 3 * len(members)
    assert all(len(e.context["events"]) == 3 for e in OutboundEmail.objects.all())


@pytest.mark.django_db
def test_a_big_first_sync_is_one_email_listing_ten_and_counting_the_rest(
    org, django_capture_on_commit_callbacks
):
    make_member(org, mode="all")
    for n in range(12):
        published(
            org, f"Imported {n:02d}", at("2026-11-24 09:00"), start=EVENT_START + timedelta(days=n)
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert announcements_send(now=at("2026-11-24 09:10")) == 1
    email = OutboundEmail.objects.get()
    assert email.subject == "New at Berlin Readers: Imported 00 and 11 more events"
    assert len(email.context["events"]) == 10
    assert email.context["more"] == 2
    assert "And 2 more events on the Berlin Readers page." in mail.outbox[0].body
    assert Notification.objects.count() == 12
