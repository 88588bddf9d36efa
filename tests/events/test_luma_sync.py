"""lu.ma sync against the fake lu.ma on 127.0.0.1 (tests/fakes/luma.py)."""

import datetime
import time

import pytest
from django.utils import timezone

from events.crypto import encrypt
from events.models import Event, SyncLog
from events.signals import luma_event_synced
from events.sync import calendar_sync
from tests.factories.events import EventFactory


@pytest.fixture
def luma_org(org, fake_luma, settings):
    settings.LUMA_BACKOFF_SECONDS = 0.01
    org.luma_api_key_encrypted = encrypt(fake_luma.api_key)
    org.save()
    return org


def sync(org) -> SyncLog:
    return calendar_sync(org=org, source=Event.Source.LUMA)


def sync_with(org, receiver) -> SyncLog:
    """Sync `org` with `receiver` connected to `luma_event_synced` for the run."""
    luma_event_synced.connect(receiver, weak=False)
    try:
        return sync(org)
    finally:
        luma_event_synced.disconnect(receiver)


def luma_events(org):
    return Event.objects.filter(org=org, source=Event.Source.LUMA)


def test_imports_every_page_and_a_second_run_changes_nothing(luma_org, fake_luma):
    for _ in range(5):
        fake_luma.add_event()
    first = sync(luma_org)
    assert first.ok, first.error
    assert (first.created, first.updated, first.cancelled) == (5, 0, 0)
    assert luma_events(luma_org).count() == 5
    pages = [r for r in fake_luma.api_requests("/public/v1/calendar/list-events")]
    assert len(pages) == 3  # 2 + 2 + 1 entries per page
    assert all(r.headers["x-luma-api-key"] == fake_luma.api_key for r in pages)
    assert "pagination_cursor" not in pages[0].query
    assert "pagination_cursor" in pages[1].query
    before = {e.pk: (e.sequence, e.updated_at) for e in luma_events(luma_org)}

    second = sync(luma_org)
    assert second.ok
    assert (second.created, second.updated, second.cancelled, second.unchanged) == (0, 0, 0, 5)
    assert {e.pk: (e.sequence, e.updated_at) for e in luma_events(luma_org)} == before


def test_maps_lumas_fields(luma_org, fake_luma):
    fake_luma.add_event(
        api_id="evt-inperson",
        name="Paper club",
        description_md="Read **this**.",
        start_at="2030-05-01T17:00:00.000Z",
        end_at="2030-05-01T19:00:00.000Z",
        timezone="Europe/Berlin",
        url="https://lu.ma/paper-club",
    )
    fake_luma.add_event(
        api_id="evt-online",
        geo_address_json=None,
        meeting_url="https://zoom.us/j/123",
        timezone="Not/AZone",
    )
    assert sync(luma_org).ok
    paper = Event.objects.get(external_id="evt-inperson")
    assert paper.title == "Paper club"
    assert paper.description == "Read **this**."
    assert paper.start == datetime.datetime(2030, 5, 1, 17, tzinfo=datetime.UTC)
    assert paper.timezone == "Europe/Berlin"
    assert paper.location == "1 Example Street, London, UK"
    assert paper.external_url == "https://lu.ma/paper-club"
    assert paper.status == Event.Status.PUBLISHED
    assert not paper.is_online
    online = Event.objects.get(external_id="evt-online")
    assert online.is_online
    assert online.virtual_link == "https://zoom.us/j/123"
    assert online.timezone == "UTC"


def test_upstream_changes_update_and_bump_the_sequence(luma_org, fake_luma):
    entry = fake_luma.add_event(name="Old name")
    sync(luma_org)
    fake_luma.update_event(entry["api_id"], name="New name")
    log = sync(luma_org)
    assert (log.updated, log.unchanged) == (1, 0)
    event = Event.objects.get(external_id=entry["api_id"])
    assert event.title == "New name"
    assert event.sequence == 1


def test_events_gone_upstream_are_cancelled_never_deleted_and_come_back(luma_org, fake_luma):
    keep, gone = fake_luma.add_event(), fake_luma.add_event()
    sync(luma_org)
    fake_luma.remove_event(gone["api_id"])
    log = sync(luma_org)
    assert log.cancelled == 1
    event = Event.objects.get(external_id=gone["api_id"])
    assert event.status == Event.Status.CANCELLED
    assert event.cancelled_by_sync
    assert Event.objects.get(external_id=keep["api_id"]).status == Event.Status.PUBLISHED
    fake_luma.add_raw_entry(gone)
    assert sync(luma_org).updated == 1
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert event.sequence == 2


def test_a_past_event_gone_upstream_stays_as_it_was(luma_org):
    past = EventFactory(
        org=luma_org,
        source=Event.Source.LUMA,
        external_id="evt-history",
        start=timezone.now() - datetime.timedelta(days=30),
        end=timezone.now() - datetime.timedelta(days=30, hours=-2),
    )
    assert sync(luma_org).cancelled == 0
    past.refresh_from_db()
    assert past.status == Event.Status.PUBLISHED


def test_an_event_cancelled_by_an_admin_stays_cancelled(luma_org, fake_luma, admin):
    from events.services import event_cancel

    entry = fake_luma.add_event()
    sync(luma_org)
    event_cancel(event=Event.objects.get(external_id=entry["api_id"]), acting_user=admin)
    fake_luma.update_event(entry["api_id"], name="Renamed upstream")
    log = sync(luma_org)
    assert (log.updated, log.cancelled, log.unchanged) == (0, 0, 1)
    assert Event.objects.get(external_id=entry["api_id"]).status == Event.Status.CANCELLED


def test_retry_after_is_honoured_on_429(luma_org, fake_luma):
    fake_luma.add_event()
    fake_luma.rate_limit(times=1, retry_after="1")
    began = time.monotonic()
    log = sync(luma_org)
    assert log.ok, log.error
    assert time.monotonic() - began >= 0.95
    assert [r.path for r in fake_luma.requests].count("/public/v1/calendar/list-events") == 2
    assert log.created == 1


def test_5xx_is_retried_then_succeeds(luma_org, fake_luma):
    fake_luma.add_event()
    fake_luma.fail(status=503, times=2)
    log = sync(luma_org)
    assert log.ok
    assert log.created == 1


def test_lasting_5xx_fails_cleanly_and_keeps_the_previous_data(luma_org, fake_luma):
    entry = fake_luma.add_event(name="Stays like this")
    sync(luma_org)
    fake_luma.update_event(entry["api_id"], name="Never arrives")
    fake_luma.fail(status=500, times=10)
    log = sync(luma_org)
    assert not log.ok
    assert "server error (500)" in log.error
    assert "gave up after 4 tries" in log.error
    assert Event.objects.get(external_id=entry["api_id"]).title == "Stays like this"


def test_a_failure_on_a_later_page_changes_nothing(luma_org, fake_luma):
    entries = [fake_luma.add_event(name=f"Event {n}") for n in range(4)]
    sync(luma_org)
    for entry in entries:
        fake_luma.update_event(entry["api_id"], name="Renamed")
    fake_luma.add_event(name="Brand new")
    fake_luma.fail(status=502, times=10, after=1)  # page 1 is served, then lu.ma breaks
    log = sync(luma_org)
    assert not log.ok
    assert set(luma_events(luma_org).values_list("title", flat=True)) == {
        f"Event {n}" for n in range(4)
    }


def test_a_bad_key_is_a_clear_error_and_changes_nothing(luma_org, fake_luma, event):
    fake_luma.add_event()
    luma_org.luma_api_key_encrypted = encrypt("not-the-key")
    luma_org.save()
    log = sync(luma_org)
    assert not log.ok
    assert "lu.ma refused the API key" in log.error
    assert not luma_events(luma_org).exists()


def test_entries_with_missing_fields_are_skipped_with_reasons(luma_org, fake_luma):
    good = fake_luma.add_event(name="Fine")
    no_start = fake_luma.add_event(name="No start", start_at=None)
    fake_luma.add_raw_entry({"event": {"name": "No id at all"}})
    fake_luma.add_event(name="", api_id="evt-noname")
    fake_luma.add_event(
        name="Backwards", start_at="2030-01-02T10:00:00Z", end_at="2030-01-01T10:00:00Z"
    )
    log = sync(luma_org)
    assert log.ok
    assert log.created == 1
    assert log.skipped == 4
    assert any("No start" in reason and "start_at" in reason for reason in log.details["skipped"])
    assert Event.objects.filter(external_id=good["api_id"]).exists()
    # A skipped entry still counts as seen: its earlier copy is not cancelled.
    EventFactory(org=luma_org, source=Event.Source.LUMA, external_id=no_start["api_id"])
    assert sync(luma_org).cancelled == 0


def test_a_page_without_entries_fails_the_sync(luma_org, fake_luma):
    from tests.fakes.server import Reply

    fake_luma.respond = lambda request: Reply.json({"unexpected": True})
    log = sync(luma_org)
    assert not log.ok
    assert "without a list of entries" in log.error


def test_luma_event_synced_hands_receivers_the_guests_not_a_client_or_key(luma_org, fake_luma):
    entry = fake_luma.add_event()
    for n in range(3):
        fake_luma.add_guest(entry["api_id"], email=f"g{n}@example.org")
    seen = []

    def receiver(sender, org, event, luma_event_api_id, guests, stats, **kwargs):
        seen.append((org, event.external_id, len(guests), sorted(kwargs)))
        stats["guests_seen"] = stats.get("guests_seen", 0) + len(guests)

    log = sync_with(luma_org, receiver)
    assert seen == [(luma_org, entry["api_id"], 3, ["signal"])]
    assert log.details["stats"]["guests_seen"] == 3


def test_a_receiver_that_fails_on_the_first_event_changes_nothing(luma_org, fake_luma):
    fake_luma.add_event()

    def receiver(**kwargs):
        raise RuntimeError("guest sync exploded")

    log = sync_with(luma_org, receiver)
    assert not log.ok
    assert "nothing was changed" in log.error
    assert not luma_events(luma_org).exists()


def test_a_failure_on_event_57_keeps_events_1_to_56(luma_org, fake_luma):
    entries = [fake_luma.add_event(name=f"Event {n}") for n in range(1, 61)]
    gone = EventFactory(org=luma_org, source=Event.Source.LUMA, external_id="evt-gone-upstream")

    def receiver(sender, event, **kwargs):
        if event.title == "Event 57":
            raise RuntimeError("guest sync exploded")

    log = sync_with(luma_org, receiver)
    assert not log.ok
    assert log.created == 56
    assert "Stopped at “Event 57”" in log.error
    assert "the 56 events before it were synced" in log.error
    assert set(luma_events(luma_org).exclude(pk=gone.pk).values_list("external_id", flat=True)) == {
        entry["api_id"] for entry in entries[:56]
    }
    gone.refresh_from_db()
    assert gone.status == Event.Status.PUBLISHED  # a stopped run cancels nothing

    log = sync(luma_org)  # the next run picks up the rest
    assert log.ok, log.error
    assert (log.created, log.unchanged, log.cancelled) == (4, 56, 1)


def test_the_hourly_job_syncs_every_org_with_a_source(
    luma_org, fake_luma, django_capture_on_commit_callbacks
):
    from events.tasks import calendar_sync_task
    from tests.factories.orgs import OrganizationFactory

    OrganizationFactory()  # no source: skipped
    fake_luma.add_event()
    assert calendar_sync_task() == 1
    log = SyncLog.objects.get()
    assert log.org == luma_org
    assert log.ok
    assert log.trigger == SyncLog.Trigger.SCHEDULE


def test_run_job_calendar_sync_runs_it_in_process(luma_org, fake_luma):
    import io

    from django.core.management import call_command

    fake_luma.add_event()
    out = io.StringIO()
    call_command("run_job", "calendar_sync", stdout=out)
    assert "calendar_sync: 1" in out.getvalue()
    assert SyncLog.objects.get(org=luma_org).created == 1


def test_sync_logs_older_than_90_days_are_pruned(luma_org, fake_luma):
    old = SyncLog.objects.create(org=luma_org, source="luma", ok=True)
    SyncLog.objects.filter(pk=old.pk).update(
        started_at=timezone.now() - datetime.timedelta(days=91)
    )
    recent = SyncLog.objects.create(org=luma_org, source="luma", ok=True)
    sync(luma_org)
    assert not SyncLog.objects.filter(pk=old.pk).exists()
    assert SyncLog.objects.filter(pk=recent.pk).exists()
