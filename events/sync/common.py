"""What every calendar sync writes: upsert by (org, source, external_id), cancel the gone.

A source (lu.ma, an iCal feed) turns what it fetched into `UpstreamEvent`s, then calls
`apply_upstream()` inside a transaction (or `upsert_upstream()` per short transaction
and `cancel_gone()` at the end, as lu.ma does). The rules, the same for all sources:

- an upstream event we have not seen is created, published;
- one we have is updated where it differs; a change members would notice bumps
  its SEQUENCE and sends `event_changed`;
- one that vanished upstream (or says STATUS:CANCELLED) is cancelled, never
  deleted — unless it is already over (history stays as it happened);
- an event a sync cancelled comes back if it reappears; one an *admin* cancelled
  stays cancelled;
- the event type is ours: set once on creation, never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import timezone as dj_timezone

from astn.core.timezones import is_zone
from events.models import Event
from events.services.events import CALENDAR_FIELDS, event_cancel
from events.signals import event_changed, event_published

SYNC_LOCK_CLASS = 4_504_001  # the advisory-lock namespace of calendar syncs
UPSTREAM_FIELDS = (*sorted(CALENDAR_FIELDS), "external_url")
_url_validator = URLValidator(schemes=["http", "https"])


def clean_url(value: str | None) -> str:
    """Return `value` when it is a usable http(s) URL of at most 1000 characters, else ""."""
    value = (value or "").strip()
    if not value or len(value) > 1000:
        return ""
    try:
        _url_validator(value)
    except ValidationError:
        return ""
    return value


def clean_zone(value: str | None) -> str:
    return value if value and is_zone(value) else "UTC"


@dataclass
class UpstreamEvent:
    """One event as a calendar upstream describes it, already validated and trimmed."""

    external_id: str
    title: str
    start: datetime
    end: datetime
    timezone: str = "UTC"
    description: str = ""
    location: str = ""
    is_online: bool = False
    virtual_link: str = ""
    external_url: str = ""
    cancelled: bool = False
    # Anything the source wants to hand to `on_event` (e.g. the lu.ma api_id).
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Postgres refuses NUL in any string: one careless event would fail the whole sync.
        for name, value in vars(self).items():
            if isinstance(value, str) and "\x00" in value:
                setattr(self, name, value.replace("\x00", ""))

    def values(self) -> dict:
        return {
            "title": self.title[:200],
            "description": self.description[:20000],
            "start": self.start,
            "end": self.end,
            "timezone": clean_zone(self.timezone),
            "location": self.location[:300],
            "is_online": self.is_online,
            "virtual_link": clean_url(self.virtual_link),
            "external_url": clean_url(self.external_url),
        }


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    unchanged: int = 0
    skipped: int = 0
    skipped_reasons: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    # A source that commits event by event (lu.ma) and stopped on a failure: the title
    # of the event it stopped at; what it committed before stays (counted above).
    stopped_at: str = ""
    # A source that imported only up to a cap: events starting at or after this
    # moment were not looked at, so they must not be cancelled as "gone".
    horizon: datetime | None = None

    def skip(self, reason: str) -> None:
        self.skipped += 1
        if len(self.skipped_reasons) < 50:  # enough to act on; the count says the rest
            self.skipped_reasons.append(reason)

    @property
    def written(self) -> int:
        return self.created + self.updated + self.cancelled

    def merge(self, other: SyncResult) -> None:
        """Add the counts and stats of `other` (one committed step) to these."""
        self.created += other.created
        self.updated += other.updated
        self.cancelled += other.cancelled
        self.unchanged += other.unchanged
        for key, value in other.stats.items():
            self.stats[key] = self.stats.get(key, 0) + value


def lock_org_sync(org) -> None:
    """Wait for any other sync of `org` to finish; hold the lock until this transaction ends.

    A Postgres advisory lock, not a row lock: the org row stays free for everyone
    else (people joining, settings saves) while a long sync runs.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SYNC_LOCK_CLASS, org.pk % 2**31])


def _on_commit(signal, **kwargs) -> None:
    transaction.on_commit(lambda: signal.send(sender=Event, **kwargs))


def apply_upstream(
    *,
    org,
    source: str,
    upstream: list[UpstreamEvent],
    seen_ids: set[str],
    result: SyncResult,
    gone_reason: str,
    on_event: Callable[[Event, UpstreamEvent], None] | None = None,
    cancel_before: datetime | None = None,
) -> None:
    """Upsert `upstream` into `org`'s events of `source`; cancel ours not in `seen_ids`.

    Must run inside a transaction. `seen_ids` holds every external id the source
    saw, including entries it skipped as malformed (so those are not cancelled).
    `on_event(event, upstream_event)` runs for each upserted event.
    """
    upsert_upstream(
        org=org,
        source=source,
        upstream=upstream,
        result=result,
        gone_reason=gone_reason,
        on_event=on_event,
    )
    cancel_gone(
        org=org,
        source=source,
        seen_ids=seen_ids,
        result=result,
        reason=gone_reason,
        before=cancel_before,
    )


def upsert_upstream(
    *,
    org,
    source: str,
    upstream: list[UpstreamEvent],
    result: SyncResult,
    gone_reason: str = "",
    on_event: Callable[[Event, UpstreamEvent], None] | None = None,
) -> None:
    """Create or update our copies of `upstream`, rows locked. Must run in a transaction."""
    existing = {
        event.external_id: event
        for event in Event.objects.select_for_update().filter(
            org=org, source=source, external_id__in=[item.external_id for item in upstream]
        )
    }
    for item in upstream:
        event = existing.get(item.external_id)
        if event is None:
            if item.cancelled:
                continue
            event = _create(org=org, source=source, item=item)
            existing[item.external_id] = event
            result.created += 1
        elif item.cancelled:
            if event.is_cancelled:
                result.unchanged += 1
            else:
                event_cancel(event=event, acting_user=None, reason=gone_reason, by_sync=True)
                result.cancelled += 1
            continue
        elif _update(event=event, item=item):
            result.updated += 1
        else:
            result.unchanged += 1
        if on_event is not None:
            on_event(event, item)


def cancel_gone(
    *,
    org,
    source: str,
    seen_ids: set[str],
    result: SyncResult,
    reason: str,
    before: datetime | None = None,
) -> None:
    """Cancel `org`'s upcoming events of `source` whose ids are not in `seen_ids`.

    Must run in a transaction. Over events stay as they happened; cancelled ones
    stay cancelled; with `before`, events starting at or after it are left alone.
    """
    gone = (
        Event.objects.select_for_update()
        .filter(org=org, source=source, end__gte=dj_timezone.now())
        .exclude(status=Event.Status.CANCELLED)
        .exclude(external_id__in=seen_ids)
    )
    if before is not None:
        gone = gone.filter(start__lt=before)
    for event in gone:
        event_cancel(event=event, acting_user=None, reason=reason, by_sync=True)
        result.cancelled += 1


def _create(*, org, source: str, item: UpstreamEvent) -> Event:
    event = Event(
        org=org,
        source=source,
        external_id=item.external_id,
        status=Event.Status.PUBLISHED,
        published_at=dj_timezone.now(),
        **item.values(),
    )
    event.save()
    _on_commit(event_published, event=event, acting_user=None)
    return event


def _update(*, event: Event, item: UpstreamEvent) -> bool:
    """Bring `event` in line with `item`; return True when anything changed."""
    values = item.values()
    changed = {name for name in UPSTREAM_FIELDS if getattr(event, name) != values[name]}
    revive = event.is_cancelled and event.cancelled_by_sync
    if event.is_cancelled and not revive:
        return False  # an admin cancelled it here; upstream edits do not undo that
    if not changed and not revive:
        return False
    previous = {name: getattr(event, name) for name in changed}
    for name in changed:
        setattr(event, name, values[name])
    update_fields = {*changed, "updated_at"}
    if revive or changed & CALENDAR_FIELDS:
        event.sequence += 1
        update_fields.add("sequence")
    if revive:
        event.status = Event.Status.PUBLISHED
        event.cancelled_at = None
        event.cancelled_by_sync = False
        update_fields |= {"status", "cancelled_at", "cancelled_by_sync"}
    event.save(update_fields=sorted(update_fields))
    if revive:
        _on_commit(event_published, event=event, acting_user=None)
    elif changed - {"external_url"}:
        _on_commit(
            event_changed,
            event=event,
            fields=frozenset(changed),
            previous=previous,
            acting_user=None,
        )
    return True
