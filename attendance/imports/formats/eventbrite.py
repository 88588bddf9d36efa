"""Eventbrite attendee export (Manage attendees → Reports → Attendee summary), CSV or XLSX.

One row per ticket: Order #, Order Date, Attendee #, First Name, Last Name, Email,
Event Name, Ticket Type, Attendee Status, plus whatever registration questions the
organiser asked (Company, Job Title, Home Country, ...). `Attendee Status`: "Checked In"
means they came; "Attending" means they hold a ticket and were not checked in (a
no-show once the event is over); refunded, cancelled or transferred tickets are skipped.
The export names the event but not its date: it is matched by title, or the admin picks.
"""

from __future__ import annotations

from datetime import tzinfo

from attendance.imports.formats.base import find_row, full_name, person_row
from attendance.imports.records import (
    EventRef,
    Header,
    Parsed,
    Row,
    blank,
    cell,
    parse_date,
    parse_datetime,
)

NAME = "eventbrite"
LABEL = "Eventbrite attendee export"
CAME, HOLDS_TICKET = "checked in", "attending"


def _is_header(h: Header) -> bool:
    return (
        h.has("Attendee Status", "Email") and h.pos("Order #", "Order no", "Order ID") is not None
    )


def detect(rows: list[list[str]]) -> bool:
    return find_row(rows, _is_header, limit=5) is not None


def parse(rows: list[list[str]], *, tz: tzinfo) -> Parsed:
    parsed = Parsed(format=NAME, label=LABEL)
    start = find_row(rows, _is_header, limit=5) or 0
    head = Header(rows[start])
    parsed.columns, parsed.header_line = list(rows[start]), start + 1
    for i in range(start + 1, len(rows)):
        raw = rows[i]
        if blank(raw):
            continue
        status = cell(raw, head.pos("Attendee Status")).lower()
        if status not in (CAME, HOLDS_TICKET):
            parsed.skip(i + 1, f"Ticket status “{status or 'none'}”: not a registration.")
            continue
        title = cell(raw, head.pos("Event Name", "Event")) or "Eventbrite event"
        when = cell(raw, head.pos("Event Start Date", "Event Date", "Event Start"))
        key = f"{cell(raw, head.pos('Event ID'))}|{title}|{when}"
        if key not in parsed.events:
            start_at = parse_datetime(when, tz) if when else None
            parsed.events[key] = EventRef(
                key=key,
                title=title,
                start=start_at,
                day=start_at.date() if start_at else parse_date(when),
                external_id=cell(raw, head.pos("Event ID")),
            )
        row = Row(
            line=i + 1,
            event_key=key,
            name=full_name(cell(raw, head.pos("First Name")), cell(raw, head.pos("Last Name"))),
            company=cell(raw, head.pos("Company", "Organization")),
            job_title=cell(raw, head.pos("Job Title")),
            country=cell(raw, head.pos("Home Country", "Country")),
            attended=status == CAME,
            registered=True,
        )
        person_row(parsed, row, cell(raw, head.pos("Email")))
    parsed.needs_event = len(parsed.events) <= 1 and not any(
        e.start or e.day for e in parsed.events.values()
    )
    return parsed
