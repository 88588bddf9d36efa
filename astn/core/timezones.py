"""IANA time zones, read once per process.

`zoneinfo.available_timezones()` walks the whole tz database on disk on every call
(~40 ms, hundreds of thousands of path operations); called per row — a list of
events, a feed of 2,000 occurrences — it was most of the time of those pages and
jobs. The set cannot change while the process runs, so read it once.

    from astn.core.timezones import is_zone, zone_or_none

    is_zone("Europe/Berlin")          # True
    zone_or_none("Mars/Olympus")      # None
"""

from __future__ import annotations

import functools
import zoneinfo


@functools.cache
def zone_names() -> frozenset[str]:
    """Return every IANA zone name this machine knows (read once, then cached)."""
    return frozenset(zoneinfo.available_timezones())


def is_zone(name: str | None) -> bool:
    """Return True when `name` is a known IANA zone name."""
    return bool(name) and name in zone_names()


@functools.lru_cache(maxsize=1024)
def zone_or_none(name: str | None) -> zoneinfo.ZoneInfo | None:
    """Return the ZoneInfo for `name`, or None when it is not a known zone."""
    return zoneinfo.ZoneInfo(name) if name and is_zone(name) else None


@functools.cache
def zone_choices() -> tuple[tuple[str, str], ...]:
    """Return (name, name) pairs for a form's select: the region zones plus UTC, sorted."""
    return tuple((name, name) for name in sorted(zone_names()) if "/" in name or name == "UTC")
