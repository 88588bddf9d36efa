"""lu.ma calendar → our events, without holding a transaction open while lu.ma answers.

1. `fetch_luma_events()` reads every page of the calendar's events (no transaction).
2. For each event, in lu.ma's order: read every page of its guests (no transaction),
   then write that event and its guests in one short transaction — the event row is
   locked for milliseconds, so an RSVP made meanwhile waits for nothing.
   `luma_event_synced` hands the guests (data, not a client or a key) to `attendance`.
3. One last short transaction cancels our upcoming events lu.ma no longer lists.

A failure on event 57 (lu.ma down after retries, a receiver that raised) stops the
run there: events 1–56 and their guests stay written, event 57's step rolls back,
nothing is cancelled, and the sync log says where it stopped; the next run (hourly,
or "Sync now") picks up the rest — every step is an idempotent upsert.

Entries lu.ma sends without the fields we need are skipped with a reason in the
sync log, but their ids still count as "seen", so a glitch upstream never cancels
an event here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.dateparse import parse_datetime

from events.crypto import decrypt
from events.errors import SyncError
from events.luma import LumaClient
from events.models import Event
from events.signals import luma_event_synced
from events.sync.common import (
    SyncResult,
    UpstreamEvent,
    cancel_gone,
    lock_org_sync,
    upsert_upstream,
)

GONE_REASON = "The organisers removed this event from lu.ma."


def _parse_time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return moment


def _location(event: dict) -> str:
    geo = event.get("geo_address_json")
    if not isinstance(geo, dict):
        return ""
    for key in ("full_address", "address", "description", "city_state", "city"):
        value = geo.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def parse_luma_entry(entry: dict, result: SyncResult) -> UpstreamEvent | None:
    """Return the UpstreamEvent of one list-events entry, or None (and a reason) to skip it."""
    event = entry.get("event")
    api_id = entry.get("api_id") or (event.get("api_id") if isinstance(event, dict) else None)
    if not isinstance(api_id, str) or not api_id:
        result.skip("An entry without an api_id.")
        return None
    if not isinstance(event, dict):
        result.skip(f"{api_id}: no event details.")
        return None
    name = event.get("name")
    if not isinstance(name, str) or not name.strip():
        result.skip(f"{api_id}: no name.")
        return None
    start = _parse_time(event.get("start_at"))
    if start is None:
        result.skip(f"“{name}” ({api_id}): no valid start_at.")
        return None
    end = _parse_time(event.get("end_at")) or start + timedelta(hours=1)
    if end <= start:
        result.skip(f"“{name}” ({api_id}): end_at is not after start_at.")
        return None
    meeting_url = event.get("meeting_url") or event.get("zoom_meeting_url") or ""
    location = _location(event)
    description = event.get("description_md") or event.get("description") or ""
    return UpstreamEvent(
        external_id=api_id,
        title=name.strip(),
        start=start,
        end=end,
        timezone=event.get("timezone") or "UTC",
        description=description if isinstance(description, str) else "",
        location=location,
        is_online=bool(meeting_url) and not location,
        virtual_link=meeting_url if isinstance(meeting_url, str) else "",
        external_url=event.get("url") or "",
        extra={"luma_event_api_id": api_id},
    )


def fetch_luma_events(client: LumaClient, result: SyncResult):
    """Return (parsed events, every api_id seen) from every page of the calendar."""
    upstream: list[UpstreamEvent] = []
    seen_ids: set[str] = set()
    for entry in client.iter_events():
        item = parse_luma_entry(entry, result)
        api_id = entry.get("api_id")
        if isinstance(api_id, str):
            seen_ids.add(api_id)
        if item is not None:
            upstream.append(item)
    return upstream, seen_ids


def sync_luma(*, org, result: SyncResult) -> None:
    """Sync `org`'s lu.ma calendar into its events (and guests), one event per transaction.

    Raises LumaError (bad key, lu.ma down after retries), SyncError, or what a
    `luma_event_synced` receiver raised; what was committed before the failing event
    stays, and `result.stopped_at` names that event.
    """
    if not org.luma_api_key_encrypted:
        raise SyncError("No lu.ma API key is set for this organisation.")
    with LumaClient(api_key=decrypt(org.luma_api_key_encrypted)) as client:
        upstream, seen_ids = fetch_luma_events(client, result)
        wants_guests = luma_event_synced.has_listeners(Event)
        for item in upstream:
            try:
                guests = (
                    list(client.iter_guests(event_api_id=item.extra["luma_event_api_id"]))
                    if wants_guests and not item.cancelled
                    else []
                )
                result.merge(_apply_one(org=org, item=item, guests=guests))
            except Exception:
                result.stopped_at = item.title
                raise
    with transaction.atomic():
        lock_org_sync(org)
        cancel_gone(
            org=org, source=Event.Source.LUMA, seen_ids=seen_ids, result=result, reason=GONE_REASON
        )


def _apply_one(*, org, item: UpstreamEvent, guests: list[dict]) -> SyncResult:
    """Write one lu.ma event and its guests in one short transaction; return its counts."""
    step = SyncResult()

    def send_synced(event: Event, item: UpstreamEvent) -> None:
        luma_event_synced.send(
            sender=Event,
            org=org,
            event=event,
            luma_event_api_id=item.extra["luma_event_api_id"],
            guests=guests,
            stats=step.stats,
        )

    with transaction.atomic():
        lock_org_sync(org)
        upsert_upstream(
            org=org,
            source=Event.Source.LUMA,
            upstream=[item],
            result=step,
            gone_reason=GONE_REASON,
            on_event=send_synced,
        )
    return step
