"""Google Meet attendance report (Workspace attendance tracking, sent as a Sheet / CSV).

Columns: First name, Last name, Email, Duration ("1 hr 4 min"), Time joined, Time exited
— times of day without a date: the day comes from the event the admin picks. Meet
gives only time in the call, so "attended" follows the org's minutes threshold.
"""

from __future__ import annotations

from datetime import tzinfo

from attendance.imports.formats.base import find_row, full_name, one_event_table, person_row
from attendance.imports.records import (
    Header,
    Parsed,
    Row,
    cell,
    parse_minutes,
    parse_time,
)

NAME = "google_meet"
LABEL = "Google Meet attendance report"


def _is_header(h: Header) -> bool:
    return h.has("Duration", "Time joined", "Time exited") and h.pos("Email") is not None


def detect(rows: list[list[str]]) -> bool:
    return find_row(rows, _is_header, limit=5) is not None


def parse(rows: list[list[str]], *, tz: tzinfo) -> Parsed:
    parsed, head, data = one_event_table(
        rows, name=NAME, label=LABEL, is_header=_is_header, limit=5
    )
    for i, raw in data:
        duration = cell(raw, head.pos("Duration"))
        minutes = parse_minutes(duration)
        if duration and minutes is None:
            parsed.skip(i + 1, f"Duration “{duration[:40]}” could not be read.")
            continue
        row = Row(
            line=i + 1,
            event_key="event",
            name=full_name(
                cell(raw, head.pos("First name")),
                cell(raw, head.pos("Last name")),
                cell(raw, head.pos("Participant name", "Name")),
            ),
            minutes=minutes,
            joined=parse_time(cell(raw, head.pos("Time joined"))),
            left=parse_time(cell(raw, head.pos("Time exited"))),
        )
        person_row(parsed, row, cell(raw, head.pos("Email")))
    return parsed
