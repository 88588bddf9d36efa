"""lu.ma guest list CSV (Manage event → Guests → Download as CSV), UTF-8 with a BOM.

Columns: api_id, name, first_name, last_name, email, phone_number, created_at,
approval_status, checked_in_at, ... `approval_status` "approved" is a registration;
`checked_in_at` set means they came. Declined, invited, waitlisted and pending guests
are skipped (they never held a place). The file does not name its event.
"""

from __future__ import annotations

from datetime import tzinfo

from attendance.imports.formats.base import find_row, full_name, one_event_table, person_row
from attendance.imports.records import Header, Parsed, Row, cell

NAME = "luma"
LABEL = "lu.ma guest list"


def _is_header(h: Header) -> bool:
    return h.has("api_id", "email", "approval_status", "checked_in_at")


def detect(rows: list[list[str]]) -> bool:
    return find_row(rows, _is_header, limit=3) is not None


def parse(rows: list[list[str]], *, tz: tzinfo) -> Parsed:
    parsed, head, data = one_event_table(
        rows, name=NAME, label=LABEL, is_header=_is_header, limit=3
    )
    for i, raw in data:
        status = cell(raw, head.pos("approval_status")).lower()
        if status != "approved":
            parsed.skip(i + 1, f"Guest status “{status or 'none'}”: not a registration.")
            continue
        row = Row(
            line=i + 1,
            event_key="event",
            name=full_name(
                cell(raw, head.pos("first_name")),
                cell(raw, head.pos("last_name")),
                cell(raw, head.pos("name")),
            ),
            attended=bool(cell(raw, head.pos("checked_in_at"))),
            registered=True,
        )
        person_row(parsed, row, cell(raw, head.pos("email")))
    return parsed
