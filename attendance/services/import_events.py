"""Which org event each event of an attendance file is: matched, chosen, or created.

Matching (DESIGN §4, #11): an org event on the same day, in the event's own time zone,
with the closest title; a file event without a day matches an org event with exactly
its title. The admin may instead pick one event for a one-event file, or have the
unmatched ones created as past events (source `import`, title and times from the file).
"""

from __future__ import annotations

import zoneinfo
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from difflib import SequenceMatcher

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from attendance.imports.records import EventRef
from events.models import Event
from orgs.models import Organization

DEFAULT_LENGTH = timedelta(hours=1)


@dataclass
class EventMatch:
    ref: EventRef
    event: Event | None
    how: str  # "matched" | "chosen" | "created" | "unmatched"


def org_zone(org: Organization) -> zoneinfo.ZoneInfo:
    """The zone naive times in an org's files are read in: its most used event zone."""
    zones = Counter(
        Event.objects.for_org(org).order_by("-start").values_list("timezone", flat=True)[:50]
    )
    name = zones.most_common(1)[0][0] if zones else settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def events_match(
    *, org: Organization, refs: list[EventRef], event: Event | None = None
) -> list[EventMatch]:
    """Match each of `refs` to an org event (read-only); `event` is the admin's choice."""
    if event is not None:
        return [EventMatch(ref, event, "chosen") for ref in refs]
    days: set[date] = {d for r in refs if (d := r.start.date() if r.start else r.day)}
    titles = {r.title.lower() for r in refs if r.title and not (r.start or r.day)}
    candidates = list(
        Event.objects.for_org(org)
        .exclude(status=Event.Status.CANCELLED)
        .filter(
            Q(start__date__range=(min(days) - timedelta(days=1), max(days) + timedelta(days=1)))
            if days
            else Q(pk__in=[])
        )
    )
    if titles:
        same_title = Q()
        for title in titles:
            same_title |= Q(title__iexact=title)
        candidates += list(
            Event.objects.for_org(org)
            .filter(same_title)
            .exclude(status=Event.Status.CANCELLED)
            .order_by("-start")
        )
    return [EventMatch(ref, *_best(ref, candidates)) for ref in refs]


def _best(ref: EventRef, candidates: list[Event]) -> tuple[Event | None, str]:
    day = ref.start.date() if ref.start else ref.day
    if day is None:
        same = [e for e in candidates if ref.title and e.title.lower() == ref.title.lower()]
        return (same[0], "matched") if len(same) == 1 else (None, "unmatched")
    same_day = [e for e in candidates if _local_day(e) == day]
    if not same_day:
        return None, "unmatched"
    best = max(same_day, key=lambda e: _similarity(e.title, ref.title))
    return best, "matched"


def _local_day(event: Event):
    try:
        zone = zoneinfo.ZoneInfo(event.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return event.start.astimezone(zone).date()


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a.lower(), (b or "").lower()).ratio()


# A webinar is a talk; other reports say nothing about the kind of event.
EVENT_TYPE_BY_FORMAT = {"zoom_webinar": Event.EventType.TALK}


def event_create_from_file(
    *,
    org: Organization,
    ref: EventRef,
    zone: zoneinfo.ZoneInfo,
    actor,
    fallback_title: str,
    file_format: str = "",
) -> Event:
    """Create the past event a file describes (published, source `import`, no announcements:
    announcements only go out for events that have not started)."""
    start = ref.start
    if start is None and ref.day is not None:
        start = datetime.combine(ref.day, time(18, 0), tzinfo=zone)
    if start is None:
        raise ValueError("an event needs a day to be created")
    end = ref.end if ref.end and ref.end > start else start + DEFAULT_LENGTH
    return Event.objects.create(
        org=org,
        title=(ref.title or fallback_title)[:200],
        start=start,
        end=end,
        timezone=str(zone.key),
        is_online=True,
        event_type=EVENT_TYPE_BY_FORMAT.get(file_format, Event.EventType.OTHER),
        status=Event.Status.PUBLISHED,
        published_at=timezone.now(),
        source=Event.Source.IMPORT,
        external_id=ref.external_id[:255],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
