import datetime
import zoneinfo

import pytest
from django.utils import timezone

from events import extensions
from events.errors import EventError
from events.models import Event
from events.services import (
    Repeat,
    event_cancel,
    event_create,
    event_duplicate,
    event_publish,
    event_update,
)
from tests.factories.events import DraftEventFactory, EventFactory, PastEventFactory

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def values(**overrides):
    start = (timezone.now() + datetime.timedelta(days=10)).replace(microsecond=0)
    data = {
        "title": "Reading night",
        "start": start,
        "end": start + datetime.timedelta(hours=2),
        "timezone": "Europe/Berlin",
        "location": "Café Kafka",
    }
    data.update(overrides)
    return data


def names(signal_log):
    return [name for name, _ in signal_log]


def test_a_new_event_is_a_draft_and_announces_nothing(
    org, admin, signal_log, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = event_create(org=org, acting_user=admin, **values())
    assert event.status == Event.Status.DRAFT
    assert event.created_by == admin
    assert event.source == Event.Source.MANUAL
    assert signal_log == []


def test_publishing_sends_event_published_on_commit(
    org, admin, signal_log, django_capture_on_commit_callbacks
):
    event = event_create(org=org, acting_user=admin, **values())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event_publish(event=event, acting_user=admin)
        assert signal_log == []  # nothing before the commit
    assert len(callbacks) == 1
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert event.published_at
    assert signal_log == [("event_published", {"event": event, "acting_user": admin})]


def test_only_a_draft_can_be_published(org, admin, event):
    with pytest.raises(EventError, match="Only a draft"):
        event_publish(event=event, acting_user=admin)


def test_an_event_must_end_after_it_starts(org, admin):
    start = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(EventError, match="must end after it starts") as error:
        event_create(org=org, acting_user=admin, **values(start=start, end=start))
    assert error.value.field == "end"
    assert not Event.objects.exists()


def test_an_online_event_needs_a_link(org, admin):
    with pytest.raises(EventError, match="needs a link") as error:
        event_create(org=org, acting_user=admin, **values(is_online=True, location=""))
    assert error.value.field == "virtual_link"


def test_the_online_link_must_be_http(org, admin):
    with pytest.raises(EventError, match="http"):
        event_create(
            org=org, acting_user=admin, **values(is_online=True, virtual_link="javascript:alert(1)")
        )


def test_an_unknown_time_zone_is_refused(org, admin):
    with pytest.raises(EventError, match="not a known time zone") as error:
        event_create(org=org, acting_user=admin, **values(timezone="Mars/Olympus_Mons"))
    assert error.value.field == "timezone"


def test_naive_times_are_refused(org, admin):
    naive = datetime.datetime(2030, 5, 1, 19, 0)
    with pytest.raises(EventError, match="time zone"):
        event_create(
            org=org,
            acting_user=admin,
            **values(start=naive, end=naive + datetime.timedelta(hours=1)),
        )


@pytest.fixture
def three_going():
    def floor(event):
        return 3

    extensions.register_capacity_floor(floor)
    yield
    extensions.unregister_capacity_floor(floor)


def test_capacity_cannot_go_below_the_people_going(event, admin, three_going):
    with pytest.raises(EventError, match="3 people are already going") as error:
        event_update(event=event, acting_user=admin, capacity=2)
    assert error.value.field == "capacity"
    event.refresh_from_db()
    assert event.capacity is None
    assert event_update(event=event, acting_user=admin, capacity=3).capacity == 3


def test_editing_times_bumps_the_sequence_and_says_what_changed(
    event, admin, signal_log, django_capture_on_commit_callbacks
):
    before = event.start
    with django_capture_on_commit_callbacks(execute=True):
        event_update(
            event=event, acting_user=admin, start=event.start + datetime.timedelta(hours=1)
        )
    event.refresh_from_db()
    assert event.sequence == 1
    changed = {
        "event": event,
        "fields": frozenset({"start"}),
        "previous": {"start": before},
        "acting_user": admin,
    }
    assert signal_log == [("event_changed", changed)]


def test_a_capacity_change_is_announced_but_does_not_bump_the_sequence(
    event, admin, signal_log, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event=event, acting_user=admin, capacity=20)
    event.refresh_from_db()
    assert event.sequence == 0
    assert names(signal_log) == ["event_changed"]


def test_saving_without_changes_does_nothing(
    event, admin, signal_log, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event=event, acting_user=admin, title=event.title, start=event.start)
    assert signal_log == []


def test_a_synced_event_only_takes_its_type_from_the_admin(org, admin):
    event = EventFactory(org=org, source=Event.Source.LUMA, external_id="evt-1")
    with pytest.raises(EventError, match=r"comes from lu\.ma"):
        event_update(event=event, acting_user=admin, title="Renamed here")
    assert (
        event_update(event=event, acting_user=admin, event_type="workshop").event_type == "workshop"
    )


def test_cancelling_keeps_the_event_and_tells_the_apps_above(
    event, admin, signal_log, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event, acting_user=admin, reason="The venue flooded.")
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert event.cancelled_at
    assert event.sequence == 1
    assert not event.cancelled_by_sync
    assert signal_log == [
        ("event_cancelled", {"event": event, "acting_user": admin, "reason": "The venue flooded."})
    ]
    with pytest.raises(EventError, match="already cancelled"):
        event_cancel(event=event, acting_user=admin)
    with pytest.raises(EventError, match="cancelled"):
        event_update(event=event, acting_user=admin, title="Back on")


def test_a_past_event_cannot_be_cancelled(org, admin):
    with pytest.raises(EventError, match="over"):
        event_cancel(event=PastEventFactory(org=org), acting_user=admin)


def test_cancelling_a_draft_tells_nobody(
    org, admin, signal_log, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=DraftEventFactory(org=org), acting_user=admin)
    assert signal_log == []


def test_weekly_copies_keep_the_local_time_across_daylight_saving(org, admin):
    # Berlin leaves summer time on 27 October 2030: 19:00 stays 19:00 local.
    start = datetime.datetime(2030, 10, 15, 19, 0, tzinfo=BERLIN)
    event = EventFactory(org=org, start=start, end=start + datetime.timedelta(hours=2))
    copies = event_duplicate(
        event=event,
        acting_user=admin,
        first_start=datetime.datetime(2030, 10, 22, 19, 0, tzinfo=BERLIN),
        repeat=Repeat.WEEKLY,
        count=3,
    )
    local = [c.start.astimezone(BERLIN) for c in copies]
    assert [(d.day, d.hour) for d in local] == [(22, 19), (29, 19), (5, 19)]
    assert [c.start.astimezone(datetime.UTC).hour for c in copies] == [17, 18, 18]
    assert all(c.end - c.start == datetime.timedelta(hours=2) for c in copies)
    assert all(c.status == Event.Status.DRAFT and c.pk != event.pk for c in copies)
    assert {c.title for c in copies} == {event.title}


def test_monthly_copies_keep_the_day_or_take_the_last_of_the_month(org, admin):
    start = datetime.datetime(2031, 1, 31, 18, 30, tzinfo=BERLIN)
    event = EventFactory(org=org, start=start, end=start + datetime.timedelta(hours=1))
    copies = event_duplicate(
        event=event,
        acting_user=admin,
        first_start=start,
        repeat=Repeat.MONTHLY,
        count=3,
        publish=True,
    )
    assert [c.start.astimezone(BERLIN).date().isoformat() for c in copies] == [
        "2031-01-31",
        "2031-02-28",
        "2031-03-31",
    ]
    assert all(c.status == Event.Status.PUBLISHED for c in copies)


def test_duplicating_makes_between_1_and_52_copies(event, admin):
    with pytest.raises(EventError, match="between 1 and 52"):
        event_duplicate(event=event, acting_user=admin, first_start=event.start, count=53)
    copies = event_duplicate(
        event=event, acting_user=admin, first_start=event.start, repeat=Repeat.ONCE, count=5
    )
    assert len(copies) == 1
