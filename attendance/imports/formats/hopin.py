"""Hopin (RingCentral Events) attendees export: one row per registrant.

Columns: Name, First Name, Last Name, Email, Ticket, Registered at, Attended (TRUE /
FALSE), Time spent (minutes), Headline, Company, Job title, Country. The export is per
event and does not name it: the admin picks the event (or one is matched by day).
"""

from __future__ import annotations

from datetime import tzinfo

from attendance.imports.formats.base import find_row, full_name, one_event_table, person_row
from attendance.imports.records import (
    Header,
    Parsed,
    Row,
    cell,
    parse_bool,
    parse_minutes,
)

NAME = "hopin"
LABEL = "Hopin attendees export"


def _is_header(h: Header) -> bool:
    return h.has("Email", "Attended") and h.pos("Time spent (minutes)", "Time spent") is not None


def detect(rows: list[list[str]]) -> bool:
    return find_row(rows, _is_header, limit=5) is not None


def parse(rows: list[list[str]], *, tz: tzinfo) -> Parsed:
    parsed, head, data = one_event_table(
        rows, name=NAME, label=LABEL, is_header=_is_header, limit=5
    )
    for i, raw in data:
        row = Row(
            line=i + 1,
            event_key="event",
            name=full_name(
                cell(raw, head.pos("First Name")),
                cell(raw, head.pos("Last Name")),
                cell(raw, head.pos("Name")),
            ),
            company=cell(raw, head.pos("Company", "Organisation", "Organization")),
            job_title=cell(raw, head.pos("Job title", "Headline")),
            country=cell(raw, head.pos("Country")),
            attended=parse_bool(cell(raw, head.pos("Attended"))),
            minutes=parse_minutes(cell(raw, head.pos("Time spent (minutes)", "Time spent"))),
            registered=True,
        )
        person_row(parsed, row, cell(raw, head.pos("Email")))
    return parsed
