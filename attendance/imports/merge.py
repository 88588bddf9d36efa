"""Fold a person's rejoins into one attendance per event: first join, last leave, and the
minutes they were actually there (overlapping joins counted once)."""

from __future__ import annotations

from datetime import datetime

from attendance.imports.records import ATTENDEE, Row

# What the rest of the import calls a folded row: one person at one event.
Person = Row


def merge(rows: list[Row]) -> list[Row]:
    """Return one row per (event, email) — or per (event, exact name) without email."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        key = (row.event_key, row.email or f"name:{row.name}")
        group = groups.get(key)
        if group is None:
            groups[key] = [row]
        else:
            group.append(row)
    return [group[0] if len(group) == 1 else _fold(group) for group in groups.values()]


def _fold(group: list[Row]) -> Row:
    first = group[0]
    explicit = [r.attended for r in group if r.attended is not None]
    joins = [r.joined for r in group if r.joined is not None]
    leaves = [r.left for r in group if r.left is not None]
    return Row(
        line=first.line,
        event_key=first.event_key,
        email=first.email,
        name=next((r.name for r in group if r.name), ""),
        company=next((r.company for r in group if r.company), ""),
        job_title=next((r.job_title for r in group if r.job_title), ""),
        country=next((r.country for r in group if r.country), ""),
        attended=any(explicit) if explicit else None,
        minutes=_minutes(group),
        joined=min(joins) if joins else None,  # type: ignore[type-var]
        left=max(leaves) if leaves else None,  # type: ignore[type-var]
        registered=any(r.registered for r in group),
        role=ATTENDEE if any(r.role == ATTENDEE for r in group) else first.role,
        also=tuple(r.line for r in group[1:]),
    )


def _minutes(group: list[Row]) -> int | None:
    """The union of the join–leave intervals when every row has both; else the sum."""
    spans = [(r.joined, r.left) for r in group]
    if all(isinstance(a, datetime) and isinstance(b, datetime) and b >= a for a, b in spans):
        total = 0.0
        end: datetime | None = None
        for a, b in sorted(spans):  # type: ignore[type-var]
            if end is None or a >= end:
                total += (b - a).total_seconds()
                end = b
            elif b > end:
                total += (b - end).total_seconds()
                end = b
        return round(total / 60)
    known = [r.minutes for r in group if r.minutes is not None]
    return sum(known) if known else None
