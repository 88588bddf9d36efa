"""Microsoft Teams attendance report (UTF-16 LE with BOM, tab-separated).

Sections: "1. Summary" (Meeting title, Attended participants, Start time, End time,
Meeting duration, ...), "2. Participants" (Name, First Join, Last Leave, In-Meeting
Duration, Email, Participant ID (UPN), Role — one row per person, rejoins already
folded) and "3. In-Meeting Activities" (one row per join; not needed). Older reports
have a single table with "Full Name", "User Action" (Joined/Left) and "Timestamp".

Roles: the Organizer is not recorded (the host rule); Presenters are recorded.
"Attended" follows the org's minutes threshold.
"""

from __future__ import annotations

from datetime import tzinfo

from attendance.imports.formats.base import person_row
from attendance.imports.records import (
    PANELIST,
    EventRef,
    Header,
    Parsed,
    Row,
    blank,
    cell,
    parse_datetime,
    parse_minutes,
)

NAME = "teams"
LABEL = "Microsoft Teams attendance report"


def detect(rows: list[list[str]]) -> bool:
    return any(cell(r, 0).lower() in ("1. summary", "summary") for r in rows[:5]) and any(
        cell(r, 0).lower().endswith("participants") for r in rows[:100]
    )


def parse(rows: list[list[str]], *, tz: tzinfo) -> Parsed:
    parsed = Parsed(format=NAME, label=LABEL)
    summary: dict[str, str] = {}
    section = ""
    head: Header | None = None
    for i, raw in enumerate(rows):
        first = cell(raw, 0)
        if first[:2] in ("1.", "2.", "3.", "4.") and len([c for c in raw if c.strip()]) == 1:
            section, head = first[2:].strip().lower(), None
            continue
        if blank(raw):
            continue
        if section == "summary":
            summary[first.lower()] = cell(raw, 1)
        elif section == "participants":
            if head is None:
                head = Header(raw)
                parsed.columns, parsed.header_line = list(raw), i + 1
                continue
            _person(parsed, head, raw, line=i + 1, tz=tz)
    start = parse_datetime(summary.get("start time", summary.get("meeting start time", "")), tz)
    end = parse_datetime(summary.get("end time", summary.get("meeting end time", "")), tz)
    title = summary.get("meeting title", summary.get("title", ""))
    parsed.events["meeting"] = EventRef(key="meeting", title=title, start=start, end=end)
    parsed.needs_event = start is None
    hosts = sum(1 for _, reason in parsed.skipped if reason.startswith("Organizer"))
    if hosts:
        parsed.notes.append(f"{hosts} organizer{'s' if hosts != 1 else ''} not recorded.")
    return parsed


def _person(parsed: Parsed, head: Header, raw: list[str], *, line: int, tz) -> None:
    role = cell(raw, head.pos("Role")).lower()
    if role == "organizer":
        parsed.skip(line, "Organizer of the meeting: hosts are not recorded as attendees.")
        return
    email = cell(raw, head.pos("Email")) or cell(raw, head.pos("Participant ID (UPN)"))
    row = Row(
        line=line,
        event_key="meeting",
        name=cell(raw, head.pos("Name", "Full Name")),
        minutes=parse_minutes(cell(raw, head.pos("In-Meeting Duration", "Duration"))),
        joined=parse_datetime(cell(raw, head.pos("First Join", "Join Time")), tz),
        left=parse_datetime(cell(raw, head.pos("Last Leave", "Leave Time")), tz),
        role=PANELIST if role == "presenter" else "attendee",
    )
    person_row(parsed, row, email)
