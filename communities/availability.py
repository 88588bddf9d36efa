"""Weekly availability: validate it, put it on a UTC grid, find the first common slot.

Stored per participant as ``{"timezone": "Europe/Berlin", "slots": [{"day": 0,
"start": "18:00", "end": "20:00"}, ...]}``: `day` 0 = Monday, times on the
half-hour in the member's own zone, `end` may be "24:00". The picker in
`static/js/availability.js` writes exactly this.
"""

from __future__ import annotations

import datetime
import math
import re
import zoneinfo
from collections.abc import Iterable

import numpy as np

WEEK_CELLS = 7 * 48
_TIME = re.compile(r"^([01]\d|2[0-4]):(00|30)$")
NOTICE = datetime.timedelta(hours=24)
HORIZON = datetime.timedelta(days=14)
STEP = datetime.timedelta(minutes=30)


class AvailabilityError(ValueError):
    """The availability cannot be used; the message says why, for the member."""


def _minutes(value: str) -> int:
    match = _TIME.match(str(value))
    if not match or (match.group(1) == "24" and match.group(2) != "00"):
        raise AvailabilityError(f"“{value}” is not a time on the half-hour (like 18:30).")
    return int(match.group(1)) * 60 + int(match.group(2))


def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        if not name or name not in zoneinfo.available_timezones():
            raise KeyError(name)
        return zoneinfo.ZoneInfo(name)
    except (KeyError, ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise AvailabilityError(
            f"“{name}” is not a time zone we know. Pick one from the list (like Europe/Berlin)."
        ) from None


def clean(raw: object) -> dict:
    """Validate availability from a form or JSON; return it normalised (merged, sorted).

    Raise `AvailabilityError` for an unknown zone, a malformed slot or no slot at all.
    """
    if not isinstance(raw, dict):
        raise AvailabilityError("Your availability could not be read. Please pick it again.")
    slots = raw.get("slots", [])
    if not isinstance(slots, list):
        raise AvailabilityError("Your availability could not be read. Please pick it again.")
    if not slots:
        raise AvailabilityError("Pick at least one half-hour when you could talk.")
    tz_name = str(raw.get("timezone") or "")
    zone(tz_name)
    cells: set[tuple[int, int]] = set()
    for slot in slots[: WEEK_CELLS + 1]:
        if not isinstance(slot, dict):
            raise AvailabilityError("Your availability could not be read. Please pick it again.")
        try:  # JSON's 1e999 and Infinity parse as an infinite float: OverflowError
            day = int(slot.get("day"))  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            raise AvailabilityError("A day in your availability is not a weekday.") from None
        if not 0 <= day <= 6:
            raise AvailabilityError("A day in your availability is not a weekday.")
        start, end = _minutes(slot.get("start", "")), _minutes(slot.get("end", ""))
        if end <= start:
            raise AvailabilityError("Each time range must end after it starts.")
        cells.update((day, m // 30) for m in range(start, end, 30))
    if not cells:
        raise AvailabilityError("Pick at least one half-hour when you could talk.")
    return {"timezone": tz_name, "slots": slots_from_cells(cells)}


def slots_from_cells(cells: Iterable[tuple[int, int]]) -> list[dict]:
    """Merge (day, half-hour index) cells into ranges ``{"day", "start", "end"}``."""
    ranges: list[dict] = []
    for day, index in sorted(set(cells)):
        if ranges and ranges[-1]["day"] == day and ranges[-1]["_end"] == index:
            ranges[-1]["_end"] = index + 1
        else:
            ranges.append({"day": day, "_start": index, "_end": index + 1})
    return [
        {"day": r["day"], "start": _hhmm(r["_start"] * 30), "end": _hhmm(r["_end"] * 30)}
        for r in ranges
    ]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def cells(availability: dict) -> set[tuple[int, int]]:
    """Return the local (weekday, half-hour index) cells of a *cleaned* availability."""
    out: set[tuple[int, int]] = set()
    for slot in availability.get("slots", []):
        start, end = _minutes(slot["start"]), _minutes(slot["end"])
        out.update((int(slot["day"]), m // 30) for m in range(start, end, 30))
    return out


def cells_needed(call_minutes: int) -> int:
    return max(1, math.ceil(call_minutes / 30))


def start_mask(availability: dict, *, call_minutes: int, week_of: datetime.date) -> np.ndarray:
    """Return a (336,) bool mask on the UTC half-hour grid of the week starting `week_of`
    (a Monday): True where a call of `call_minutes` can start inside this availability.

    The member's local cells are placed on that actual week, so the UTC offset
    (and a DST change) of that week is what counts.
    """
    mask = np.zeros(WEEK_CELLS, dtype=bool)
    if not availability.get("slots"):
        return mask
    tz = zone(availability["timezone"])
    monday_utc = datetime.datetime.combine(week_of, datetime.time(), tzinfo=datetime.UTC)
    for day, index in cells(availability):
        local = datetime.datetime.combine(
            week_of + datetime.timedelta(days=day), datetime.time(), tzinfo=tz
        ) + datetime.timedelta(minutes=30 * index)
        offset = (local.astimezone(datetime.UTC) - monday_utc) // STEP
        mask[offset % WEEK_CELLS] = True
    need = cells_needed(call_minutes)
    starts = mask.copy()
    for shift in range(1, need):
        starts &= np.roll(mask, -shift)
    return starts


def _free(cellset: set[tuple[int, int]], tz: zoneinfo.ZoneInfo, at: datetime.datetime) -> bool:
    local = at.astimezone(tz)
    return (local.weekday(), local.hour * 2 + local.minute // 30) in cellset


def first_common_slot(
    availabilities: list[dict], *, call_minutes: int, after: datetime.datetime
) -> datetime.datetime | None:
    """Return the first half-hour start in [after + 24 h, after + 14 days] when everyone is
    free for the whole call, in each one's own zone; None when there is none."""
    people = [(cells(a), zone(a["timezone"])) for a in availabilities if a.get("slots")]
    if len(people) != len(availabilities) or not people:
        return None
    need = cells_needed(call_minutes)
    start = after + NOTICE
    start = start.astimezone(datetime.UTC).replace(second=0, microsecond=0)
    if start.minute % 30:
        start += datetime.timedelta(minutes=30 - start.minute % 30)
    at = start
    end = after + HORIZON
    while at <= end:
        if all(_free(cellset, tz, at + STEP * i) for cellset, tz in people for i in range(need)):
            return at
        at += STEP
    return None


def describe(availability: dict) -> str:
    """A short human line: "Mon 18:00–20:00, Thu 12:00–13:00 (Europe/Berlin)"."""
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    if not availability.get("slots"):
        return "No availability given"
    parts = [f"{days[s['day']]} {s['start']}–{s['end']}" for s in availability["slots"]]
    return f"{', '.join(parts)} ({availability.get('timezone', '')})"
