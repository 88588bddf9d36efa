"""Zoom webinar *Attendee Report* (Reports → Webinar → Attendee report → CSV).

Layout: a title line, "Report Generated", the webinar summary (Topic, Webinar ID, Actual
Start Time, Actual Duration (minutes), # Registered, ...), then sections — "Host
Details", "Panelist Details", "Attendee Details" (every registrant, `Attended` Yes/No,
with registration fields), "Other Attended" — each a header line and rows. A person
who rejoined appears once per join.

Rule for hosts and panelists: the host account is not recorded (it is usually the
org's own Zoom user); panelists are recorded as attendees (they were there).
"""

from __future__ import annotations

from datetime import timedelta, tzinfo

from attendance.imports.formats.base import find_row, first_rows, person_row, strip_original_name
from attendance.imports.records import (
    ATTENDEE,
    HOST,
    PANELIST,
    EventRef,
    Header,
    Parsed,
    Row,
    blank,
    cell,
    parse_bool,
    parse_datetime,
    parse_minutes,
)

NAME = "zoom_webinar"
LABEL = "Zoom webinar attendee report"
SECTIONS = {
    "host details": HOST,
    "panelist details": PANELIST,
    "attendee details": ATTENDEE,
    "other attended": ATTENDEE,
}


def detect(rows: list[list[str]]) -> bool:
    heads = first_rows(rows)
    return any(h.has("Webinar ID", "Topic") for h in heads) or any(
        cell(r, 0).lower() == "attendee details" for r in rows[:400]
    )


def parse(rows: list[list[str]], *, tz: tzinfo) -> Parsed:
    parsed = Parsed(format=NAME, label=LABEL)
    event = EventRef(key="webinar")
    summary = find_row(rows, lambda h: h.has("Webinar ID", "Topic"), limit=30)
    if summary is not None and summary + 1 < len(rows):
        head, values = Header(rows[summary]), rows[summary + 1]
        event.title = cell(values, head.pos("Topic"))
        event.external_id = cell(values, head.pos("Webinar ID")).replace(" ", "")
        event.start = parse_datetime(cell(values, head.pos("Actual Start Time", "Start Time")), tz)
        minutes = parse_minutes(cell(values, head.pos("Actual Duration (minutes)", "Duration")))
        if event.start and minutes:
            event.end = event.start + timedelta(minutes=minutes)
    parsed.events[event.key] = event
    parsed.needs_event = event.start is None
    role, other, header = ATTENDEE, False, None
    for i, raw in enumerate(rows):
        first = cell(raw, 0).lower().rstrip(",:")
        if first in SECTIONS and len([c for c in raw if c.strip()]) <= 1:
            role, other, header = SECTIONS[first], first == "other attended", None
            continue
        if blank(raw) or (summary is not None and i <= summary + 1):
            continue
        if header is None:
            if Header(raw).has("Email") and Header(raw).pos("Join Time", "Attended") is not None:
                header = Header(raw)
                if role == ATTENDEE and not parsed.columns:
                    parsed.columns, parsed.header_line = list(raw), i + 1
            continue
        _person(parsed, header, raw, line=i + 1, role=role, registered=not other, tz=tz)
    hosts = sum(1 for line, reason in parsed.skipped if reason.startswith("Host"))
    if hosts:
        parsed.notes.append(f"{hosts} host line{'s' if hosts != 1 else ''} not recorded.")
    return parsed


def _person(parsed, head: Header, raw, *, line: int, role: str, registered: bool, tz) -> None:
    if role == HOST:
        parsed.skip(line, "Host of the webinar: hosts are not recorded as attendees.")
        return
    attended = parse_bool(cell(raw, head.pos("Attended")))
    name = strip_original_name(cell(raw, head.pos("User Name (Original Name)", "User Name")))
    if not name:
        name = f"{cell(raw, head.pos('First Name'))} {cell(raw, head.pos('Last Name'))}".strip()
    row = Row(
        line=line,
        event_key="webinar",
        name=name,
        company=cell(raw, head.pos("Organization", "Company")),
        job_title=cell(raw, head.pos("Job Title")),
        country=cell(raw, head.pos("Country/Region Name", "Country/Region", "Country")),
        attended=True if role == PANELIST else attended,
        minutes=parse_minutes(cell(raw, head.pos("Time in Session (minutes)"))),
        joined=parse_datetime(cell(raw, head.pos("Join Time")), tz),
        left=parse_datetime(cell(raw, head.pos("Leave Time")), tz),
        registered=registered and role == ATTENDEE,
        role=role,
    )
    person_row(parsed, row, cell(raw, head.pos("Email")))
