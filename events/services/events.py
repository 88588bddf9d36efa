"""Writes to events made by org admins: create, edit, publish, cancel, duplicate.

Every service validates what it is given (the same rules whether the caller is a
form, the Django admin or a script), raises `EventError` with a message an admin
can act on, and sends the `events.signals` on commit.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone as dj_timezone

from astn.core.timezones import is_zone
from events import extensions
from events.errors import EventError
from events.models import Event
from events.signals import event_cancelled, event_changed, event_published

# Changes a calendar app must pick up: they bump the iCalendar SEQUENCE.
CALENDAR_FIELDS = frozenset(
    {"title", "description", "start", "end", "timezone", "location", "is_online", "virtual_link"}
)
# What an admin may edit; a change to any of these is announced with `event_changed`.
EDITABLE_FIELDS = CALENDAR_FIELDS | {"event_type", "capacity"}
# Fields a lu.ma / iCal sync owns: edited upstream, not here.
SYNCED_FIELDS = CALENDAR_FIELDS | {"capacity"}
MAX_DURATION = timedelta(days=31)
MAX_COPIES = 52

_url_validator = URLValidator(schemes=["http", "https"])


def validate_event_values(*, event: Event, values: dict[str, Any]) -> None:
    """Raise EventError when `event` with `values` applied would be invalid.

    Checks: a title; a known time zone; aware start and end, the end after the start
    and at most 31 days later; an http(s) link for online events; a capacity of at
    least 1 and not below the number of people already going (asked of the apps that
    registered an `events.extensions` capacity floor).
    """
    merged = {name: values.get(name, getattr(event, name)) for name in EDITABLE_FIELDS}
    if not (merged["title"] or "").strip():
        raise EventError("Give the event a title.", field="title")
    if not is_zone(merged["timezone"]):
        raise EventError(
            f"“{merged['timezone']}” is not a known time zone (use e.g. Europe/London).",
            field="timezone",
        )
    start, end = merged["start"], merged["end"]
    if start is None or end is None:
        raise EventError("Give the event a start and an end.", field="start")
    if dj_timezone.is_naive(start) or dj_timezone.is_naive(end):
        raise EventError("Start and end need a time zone.", field="start")
    if end <= start:
        raise EventError("The event must end after it starts.", field="end")
    if end - start > MAX_DURATION:
        raise EventError("An event can last at most 31 days.", field="end")
    if merged["is_online"] and not merged["virtual_link"]:
        raise EventError("An online event needs a link people can join.", field="virtual_link")
    if merged["virtual_link"]:
        try:
            _url_validator(merged["virtual_link"])
        except ValidationError:
            raise EventError(
                "The online link must be a full http:// or https:// address.",
                field="virtual_link",
            ) from None
    capacity = merged["capacity"]
    if capacity is not None:
        if capacity < 1:
            raise EventError(
                "The capacity must be at least 1 (or empty for no limit).", field="capacity"
            )
        floor = extensions.capacity_floor(event)
        if capacity < floor:
            raise EventError(
                f"{floor} {'person is' if floor == 1 else 'people are'} already going, "
                f"so the capacity cannot be lower than {floor}.",
                field="capacity",
            )


def _send_on_commit(signal, **kwargs) -> None:
    transaction.on_commit(lambda: signal.send(sender=Event, **kwargs))


@transaction.atomic
def event_create(
    *,
    org,
    acting_user,
    title: str,
    start: datetime,
    end: datetime,
    timezone: str,
    event_type: str = Event.EventType.MEETUP,
    description: str = "",
    location: str = "",
    is_online: bool = False,
    virtual_link: str = "",
    capacity: int | None = None,
    publish: bool = False,
) -> Event:
    """Create a manual event in `org`, as a draft unless `publish`.

    Side effects: `event_published` on commit when published. Raises EventError.
    """
    event = Event(org=org, created_by=acting_user, source=Event.Source.MANUAL)
    values = {
        "title": title.strip(),
        "start": start,
        "end": end,
        "timezone": timezone,
        "event_type": event_type,
        "description": description,
        "location": location.strip(),
        "is_online": is_online,
        "virtual_link": virtual_link.strip(),
        "capacity": capacity,
    }
    validate_event_values(event=event, values=values)
    for name, value in values.items():
        setattr(event, name, value)
    if publish:
        event.status = Event.Status.PUBLISHED
        event.published_at = dj_timezone.now()
    event.save()
    if publish:
        _send_on_commit(event_published, event=event, acting_user=acting_user)
    return event


@transaction.atomic
def event_update(*, event: Event, acting_user, **values: Any) -> Event:
    """Change the given fields of `event`; bump its SEQUENCE when a calendar field changed.

    Preconditions: the event is not cancelled; for lu.ma / iCal events only the type
    may change (the rest is edited upstream). Side effects: `event_changed` on commit
    for a published event whose fields changed. Raises EventError.
    """
    unknown = set(values) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    event = Event.objects.for_org(event.org_id).select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise EventError("This event is cancelled; it can no longer be edited.")
    changed = {name for name, value in values.items() if getattr(event, name) != value}
    if event.is_synced and changed & SYNCED_FIELDS:
        raise EventError(
            f"This event comes from {event.get_source_display()}; change its details there. "
            "ASTN updates it on the next sync."
        )
    if not changed:
        return event
    validate_event_values(event=event, values=values)
    previous = {name: getattr(event, name) for name in changed}
    for name in changed:
        setattr(event, name, values[name])
    update_fields = [*sorted(changed), "updated_at"]
    if changed & CALENDAR_FIELDS and event.status != Event.Status.DRAFT:
        event.sequence += 1
        update_fields.append("sequence")
    event.save(update_fields=update_fields)
    if event.status == Event.Status.PUBLISHED:
        _send_on_commit(
            event_changed,
            event=event,
            fields=frozenset(changed),
            previous=previous,
            acting_user=acting_user,
        )
    return event


@transaction.atomic
def event_publish(*, event: Event, acting_user) -> Event:
    """Publish a draft: members see it, announcements go out.

    Side effects: `event_published` on commit. Raises EventError unless it is a draft.
    """
    event = Event.objects.for_org(event.org_id).select_for_update().get(pk=event.pk)
    if event.status != Event.Status.DRAFT:
        raise EventError(f"Only a draft can be published; this event is {event.status}.")
    validate_event_values(event=event, values={})
    event.status = Event.Status.PUBLISHED
    event.published_at = dj_timezone.now()
    event.save(update_fields=["status", "published_at", "updated_at"])
    _send_on_commit(event_published, event=event, acting_user=acting_user)
    return event


@transaction.atomic
def event_cancel(
    *, event: Event, acting_user, reason: str = "Cancelled by the organisers", by_sync: bool = False
) -> Event:
    """Cancel an event. It is kept (with its RSVPs), marked cancelled, its SEQUENCE bumped.

    A draft is simply cancelled (nobody saw it). Preconditions: not already cancelled,
    not over. Side effects: `event_cancelled` on commit for an event members could see,
    so the apps above tell the people who RSVPed. Raises EventError.
    """
    event = Event.objects.for_org(event.org_id).select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise EventError("This event is already cancelled.")
    if event.is_past and not by_sync:
        raise EventError("This event is over; it can no longer be cancelled.")
    was_visible = event.status == Event.Status.PUBLISHED
    event.status = Event.Status.CANCELLED
    event.cancelled_at = dj_timezone.now()
    event.cancelled_by_sync = by_sync
    event.sequence += 1
    event.save(
        update_fields=["status", "cancelled_at", "cancelled_by_sync", "sequence", "updated_at"]
    )
    if was_visible:
        _send_on_commit(event_cancelled, event=event, acting_user=acting_user, reason=reason)
    return event


class Repeat:
    ONCE = "once"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    CHOICES = [(ONCE, "Just once"), (WEEKLY, "Every week"), (MONTHLY, "Every month")]


def duplicate_starts(
    *, first_start: datetime, zone: str, repeat: str, count: int
) -> list[datetime]:
    """Return `count` start times from `first_start`, stepping by wall-clock time in `zone`.

    Stepping in local time keeps a 19:00 meetup at 19:00 across daylight-saving
    changes; monthly steps keep the day of the month (the 31st becomes the last day
    of shorter months).
    """
    tz = zoneinfo.ZoneInfo(zone)
    local = first_start.astimezone(tz).replace(tzinfo=None)
    if repeat == Repeat.ONCE:
        count = 1
    starts = []
    for index in range(count):
        if repeat == Repeat.MONTHLY:
            wall = local + relativedelta(months=index)
        else:
            wall = local + timedelta(weeks=index)
        starts.append(wall.replace(tzinfo=tz))
    return starts


@transaction.atomic
def event_duplicate(
    *,
    event: Event,
    acting_user,
    first_start: datetime,
    repeat: str = Repeat.ONCE,
    count: int = 1,
    publish: bool = False,
) -> list[Event]:
    """Copy `event` into separate new events (as Luma does), each with the same duration.

    `repeat` once / weekly / monthly, `count` copies (1 to 52) starting at
    `first_start`. The copies are manual events, drafts unless `publish`.
    Side effects: `event_published` per copy on commit when published.
    """
    if repeat not in {choice for choice, _ in Repeat.CHOICES}:
        raise EventError("Choose how the copies repeat.", field="repeat")
    if not 1 <= count <= MAX_COPIES:
        raise EventError(f"Make between 1 and {MAX_COPIES} copies.", field="count")
    duration = event.end - event.start
    copies = []
    for start in duplicate_starts(
        first_start=first_start, zone=event.timezone, repeat=repeat, count=count
    ):
        copies.append(
            event_create(
                org=event.org,
                acting_user=acting_user,
                title=event.title,
                start=start,
                end=start + duration,
                timezone=event.timezone,
                event_type=event.event_type,
                description=event.description,
                location=event.location,
                is_online=event.is_online,
                virtual_link=event.virtual_link,
                capacity=event.capacity,
                publish=publish,
            )
        )
    return copies
