"""A public iCal feed (Google Calendar, Meetup, a lu.ma calendar feed) → our events.

What is imported from the feed:

- every occurrence between 30 days ago and 90 days ahead — repeating events
  (RRULE / RDATE, with EXDATE and RECURRENCE-ID overrides honoured, via the
  `recurring-ical-events` package) are expanded in that window only;
- at most 2,000 events, the earliest first, and at most 1,000 from one series. The
  cap is applied *before* expanding: each RRULE is walked lazily (dateutil) for at
  most 20,000 steps, and one that would give more than 1,000 in the window gets an
  UNTIL at its 1,000th occurrence, so `FREQ=SECONDLY` with no end costs milliseconds, not minutes. A
  rule that needs more steps than that just to reach the window is skipped with a
  reason. Events after the cap are left alone (neither imported nor cancelled);
- single events further ahead, however far;
- the external id is the UID for a single event and `UID/RECURRENCE-ID` (in UTC)
  for an occurrence of a series, so each occurrence is its own event here;
- `STATUS:CANCELLED` cancels our copy; an event gone from the feed is cancelled
  unless it is over;
- floating times and all-day dates are read in the feed's `X-WR-TIMEZONE` (UTC
  when it has none); a LOCATION that is a URL makes the event online.
"""

from __future__ import annotations

import hashlib
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import recurring_ical_events
from dateutil.rrule import rrulestr
from django.db import transaction
from django.utils import timezone as dj_timezone

from events.errors import SyncError
from events.fetch import fetch_public_url
from events.models import Event
from events.sync.common import (
    SyncResult,
    UpstreamEvent,
    apply_upstream,
    clean_url,
    clean_zone,
    lock_org_sync,
)

PAST_WINDOW = timedelta(days=30)
FUTURE_WINDOW = timedelta(days=90)
MAX_EVENTS = 2000
# One series gets at most half of the cap, so a runaway rule cannot crowd out the
# rest of the feed (a daily series over the whole window is ~120).
MAX_PER_SERIES = MAX_EVENTS // 2
# dateutil steps we spend walking one RRULE before expanding it (~0.2 s at most):
# an hourly series that began two years ago still fits.
MAX_RULE_STEPS = 20_000
GONE_REASON = "The organisers removed this event from their calendar."


def external_id_for(uid: str, recurrence: datetime | None) -> str:
    """Return the id we store for a feed event: the UID, plus the occurrence for series."""
    value = (
        uid
        if recurrence is None
        else f"{uid}/{recurrence.astimezone(zoneinfo.ZoneInfo('UTC')):%Y%m%dT%H%M%SZ}"
    )
    if len(value) <= 255:
        return value
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def _aware(value, zone: zoneinfo.ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=zone)
    raise TypeError("not a date")


def _zone_name(moment, fallback: str) -> str:
    key = getattr(getattr(moment, "tzinfo", None), "key", None)
    return clean_zone(key) if key else fallback


def _text(component, name: str) -> str:
    value = component.get(name)
    return str(value).strip() if value is not None else ""


def parse_occurrence(
    component, *, zone: zoneinfo.ZoneInfo, series_uids: set[str], result: SyncResult
) -> UpstreamEvent | None:
    """Return the UpstreamEvent for one VEVENT (an occurrence or a single event), or None."""
    uid = _text(component, "UID")
    title = _text(component, "SUMMARY") or "Untitled event"
    if not uid:
        result.skip(f"“{title}”: no UID, so it cannot be tracked.")
        return None
    if component.get("DTSTART") is None:
        result.skip(f"“{title}”: no start time.")
        return None
    raw_start = component["DTSTART"].dt
    start = _aware(raw_start, zone)
    if component.get("DTEND") is not None:
        end = _aware(component["DTEND"].dt, zone)
    elif component.get("DURATION") is not None:
        end = start + component["DURATION"].dt
    elif not isinstance(raw_start, datetime):
        end = start + timedelta(days=1)
    else:
        end = start + timedelta(hours=1)
    if end <= start:
        result.skip(f"“{title}”: ends before it starts.")
        return None
    recurrence = None
    if uid in series_uids:
        recurrence_prop = component.get("RECURRENCE-ID") or component["DTSTART"]
        recurrence = _aware(recurrence_prop.dt, zone)
    location = _text(component, "LOCATION")
    link = clean_url(location) if location.startswith(("http://", "https://")) else ""
    status = _text(component, "STATUS").upper()
    return UpstreamEvent(
        external_id=external_id_for(uid, recurrence),
        title=title,
        start=start,
        end=end,
        timezone=_zone_name(raw_start, zone.key),
        description=_text(component, "DESCRIPTION"),
        location="" if link else location,
        is_online=bool(link),
        virtual_link=link,
        external_url=_text(component, "URL"),
        cancelled=status == "CANCELLED",
    )


def _cap_rule(component, *, zone, window_start: datetime, window_end: datetime) -> bool:
    """Give `component`'s RRULE an UNTIL at its MAX_PER_SERIES-th occurrence in the window.

    Walks the rule lazily. Return False when it takes more than MAX_RULE_STEPS steps
    to get through the window (the series is too dense to import); True otherwise
    (the rule is then cheap for `recurring_ical_events` to expand).
    """
    raw_start = component["DTSTART"].dt
    start = _aware(raw_start, zone)
    try:
        rule = rrulestr(component["RRULE"].to_ical().decode(), dtstart=start)
    except (ValueError, TypeError, AttributeError):
        return True  # let the library report it (a clear "could not be read" error)
    in_window = 0
    for steps, moment in enumerate(rule):
        if moment >= window_end:
            return True
        if moment >= window_start - timedelta(days=1):
            in_window += 1
            if in_window >= MAX_PER_SERIES:
                _set_until(component, moment, raw_start=raw_start, zone=zone)
                return True
        if steps >= MAX_RULE_STEPS:
            return False
    return True


def _set_until(component, moment: datetime, *, raw_start, zone: zoneinfo.ZoneInfo) -> None:
    """End `component`'s RRULE at `moment`, in the form RFC 5545 wants for its DTSTART."""
    rrule = component["RRULE"]
    rrule.pop("COUNT", None)
    if not isinstance(raw_start, datetime):
        until: date | datetime = moment.astimezone(zone).date()
    elif raw_start.tzinfo is None:
        until = moment.astimezone(zone).replace(tzinfo=None)
    else:
        until = moment.astimezone(UTC)
    rrule["UNTIL"] = [until]


def parse_feed(data: bytes, *, result: SyncResult, now: datetime | None = None):
    """Return (upstream events, seen external ids) from an .ics file; raise SyncError if bad."""
    now = now or dj_timezone.now()
    try:
        cal = icalendar.Calendar.from_ical(data)
    except Exception:  # icalendar raises ValueError, IndexError, KeyError... on bad input
        raise SyncError("The feed is not a valid iCalendar (.ics) file.") from None
    if getattr(cal, "name", "") != "VCALENDAR":
        raise SyncError("The feed is not a valid iCalendar (.ics) file.")
    zone = zoneinfo.ZoneInfo(clean_zone(_text(cal, "X-WR-TIMEZONE")))
    # Drop the VEVENTs that cannot be tracked or placed before expanding: one broken
    # entry must not stop a whole feed.
    for component in list(cal.subcomponents):
        if component.name != "VEVENT":
            continue
        title = _text(component, "SUMMARY") or "Untitled event"
        if not _text(component, "UID"):
            result.skip(f"“{title}”: no UID, so it cannot be tracked.")
        elif component.get("DTSTART") is None:
            result.skip(f"“{title}”: no start time.")
        else:
            continue
        cal.subcomponents.remove(component)
    components = list(cal.walk("VEVENT"))
    series_uids = {
        _text(c, "UID")
        for c in components
        if c.get("RRULE") is not None or c.get("RDATE") is not None or c.get("RECURRENCE-ID")
    }
    window_start, window_end = now - PAST_WINDOW, now + FUTURE_WINDOW
    for component in components:
        if component.get("RRULE") is not None and not _cap_rule(
            component, zone=zone, window_start=window_start, window_end=window_end
        ):
            result.skip(
                f"“{_text(component, 'SUMMARY') or 'Untitled event'}”: repeats too often "
                "to import (e.g. every second or minute)."
            )
            cal.subcomponents.remove(component)
    try:
        occurrences = list(recurring_ical_events.of(cal).between(window_start, window_end))
    except Exception:  # the library's errors for broken RRULEs and dates vary by version
        raise SyncError("The feed's repeating events could not be read.") from None
    far_singles = [
        c
        for c in components
        if _text(c, "UID") not in series_uids
        and c.get("DTSTART") is not None
        and _aware(c["DTSTART"].dt, zone) >= window_end
    ]
    found = sorted([*occurrences, *far_singles], key=lambda c: _aware(c["DTSTART"].dt, zone))
    if len(found) > MAX_EVENTS:
        result.horizon = _aware(found[MAX_EVENTS]["DTSTART"].dt, zone)
        result.skip(
            f"The feed has more than {MAX_EVENTS} events to import; the first {MAX_EVENTS} "
            f"(until {result.horizon:%Y-%m-%d %H:%M}) were imported, the rest left out."
        )
        found = found[:MAX_EVENTS]
    upstream: list[UpstreamEvent] = []
    seen: set[str] = set()
    for component in found:
        item = parse_occurrence(component, zone=zone, series_uids=series_uids, result=result)
        if item is not None and item.external_id not in seen:
            seen.add(item.external_id)
            upstream.append(item)
    return upstream, seen


def sync_ical(*, org, result: SyncResult) -> None:
    """Fetch `org`'s iCal feed and apply it, all or nothing. Raises FetchError or SyncError."""
    if not org.ics_feed_url:
        raise SyncError("No iCal feed URL is set for this organisation.")
    data = fetch_public_url(org.ics_feed_url)
    upstream, seen = parse_feed(data, result=result)
    with transaction.atomic():
        lock_org_sync(org)
        apply_upstream(
            org=org,
            source=Event.Source.ICAL,
            upstream=upstream,
            seen_ids=seen,
            result=result,
            gone_reason=GONE_REASON,
            cancel_before=result.horizon,
        )
