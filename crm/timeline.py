"""The member timeline: one list, newest first, of everything a person did with an org.

Entries come from *sources* registered here, so an app above or beside `crm` (programs,
communities' matches) adds its entries without `crm` importing it. Register in
`AppConfig.ready()`::

    from crm import timeline

    def match_entries(*, org, membership, before, limit):
        # Return at most `limit` entries with `at < before` (before may be None), newest first.
        return [timeline.Entry(at=m.notified_at, kind="communities.match", icon="people",
                               title=f"Matched in {m.round}") for m in ...]

    timeline.register(timeline.Source(name="communities.matches", entries=match_entries))

Each source must scope its query to `org` and `membership` itself (the caller has checked
the viewer is an admin of `org`) and must respect the member's privacy choices. Entries
hold plain text (escaped by the template) unless they name their own `template`, which
then receives `entry` and `entry.context`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

PAGE_SIZE = 25


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    title: str
    icon: str = "dot"
    detail: str = ""
    badge: str = ""
    url: str = ""
    tone: str = "secondary"  # a Bootstrap colour name for the icon
    template: str = ""
    context: dict[str, Any] = field(default_factory=dict)


EntryFetcher = Callable[..., Iterable[Entry]]


@dataclass(frozen=True)
class Source:
    name: str
    entries: EntryFetcher


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    """Add a source; registering a name again replaces it (safe on reload)."""
    _SOURCES[source.name] = source


def unregister(name: str) -> None:
    _SOURCES.pop(name, None)


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda source: source.name)


@dataclass(frozen=True)
class TimelinePage:
    entries: list[Entry]
    next_before: datetime | None  # pass back as `before` for the next page; None at the end


def timeline_page(
    *, org, membership, before: datetime | None = None, limit: int = PAGE_SIZE
) -> TimelinePage:
    """Return one page of `membership`'s timeline with `org`, newest first.

    Each source is asked for `limit + 1` entries older than `before`; the merged list
    is cut after `limit` entries, but never between two entries with the same time
    (the next page starts strictly before the last time shown).
    """
    merged: list[Entry] = []
    for source in sources():
        fetched = source.entries(org=org, membership=membership, before=before, limit=limit + 1)
        merged.extend(fetched)
    merged.sort(key=lambda entry: entry.at, reverse=True)
    if len(merged) <= limit:
        return TimelinePage(entries=merged, next_before=None)
    cut = limit
    while cut < len(merged) and merged[cut].at == merged[cut - 1].at:
        cut += 1
    page = merged[:cut]
    return TimelinePage(entries=page, next_before=page[-1].at if cut < len(merged) else None)
