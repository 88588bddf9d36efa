"""Any other CSV/XLSX: the admin maps the file's columns to ours.

A first guess comes from common column names (Email, E-mail address, Full name, Event,
Date, Attended, Minutes, Join time, ...); the preview shows it with three sample values
per column, and the admin corrects it. With an event column (and usually a date
column) the file spans several events; without one the admin picks the event.
Duplicate column names are numbered ("Email (2)") so each can be chosen.
"""

from __future__ import annotations

from datetime import tzinfo

from attendance.imports.formats.base import person_row
from attendance.imports.records import (
    EventRef,
    Parsed,
    Row,
    blank,
    cell,
    header_key,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_minutes,
    parse_time,
)

NAME = "generic"
LABEL = "Other spreadsheet (column mapping)"

# Our field → column names that usually mean it.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "email": ("Email", ("email", "e-mail", "email address", "e-mail address", "mail")),
    "name": ("Name", ("name", "full name", "attendee", "attendee name", "participant")),
    "first_name": ("First name", ("first name", "firstname", "given name")),
    "last_name": ("Last name", ("last name", "lastname", "surname", "family name")),
    "event_title": ("Event title", ("event", "event name", "event title", "session", "meeting")),
    "event_date": ("Event date", ("date", "event date", "start", "start date", "start time")),
    "attended": ("Attended (yes/no)", ("attended", "present", "checked in", "attendance")),
    "minutes": ("Minutes present", ("minutes", "duration", "time in session", "time spent")),
    "joined": ("Join time", ("join time", "joined", "joined at", "time joined", "check-in time")),
    "left": ("Leave time", ("leave time", "left", "left at", "time exited")),
    "company": ("Company", ("company", "organization", "organisation", "employer")),
    "job_title": ("Job title", ("job title", "title", "role", "position")),
    "country": ("Country", ("country", "country/region")),
}


def detect(rows: list[list[str]]) -> bool:
    return True


def header_row(rows: list[list[str]]) -> int:
    """The first non-blank row is the header (a generic file has no preamble we know of)."""
    for i, raw in enumerate(rows):
        if not blank(raw):
            return i
    return 0


def unique_columns(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = name.strip() or f"Column {i + 1}"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def guess_mapping(columns: list[str]) -> dict[str, str]:
    keys = {header_key(c): c for c in reversed(columns)}
    mapping = {}
    for field, (_, names) in FIELDS.items():
        for name in names:
            if header_key(name) in keys:
                mapping[field] = keys[header_key(name)]
                break
    return mapping


def parse(rows: list[list[str]], *, tz: tzinfo, mapping: dict[str, str] | None = None) -> Parsed:
    parsed = Parsed(format=NAME, label=LABEL)
    start = header_row(rows)
    columns = unique_columns(rows[start]) if rows else []
    parsed.columns, parsed.header_line = columns, start + 1
    names = [c.strip() for c in rows[start] if c.strip()] if rows else []
    if len(set(names)) < len(names):
        parsed.notes.append("Some column names repeat; they are numbered, e.g. “Email (2)”.")
    parsed.mapping = mapping = {
        k: v for k, v in (mapping or guess_mapping(columns)).items() if v in columns
    }
    pos = {field: columns.index(col) for field, col in mapping.items()}
    if "email" not in pos and "name" not in pos and "first_name" not in pos:
        parsed.notes.append("Choose the column that holds email addresses.")
    for i in range(start + 1, len(rows)):
        raw = rows[i]
        if blank(raw):
            continue
        _row(parsed, raw, pos, line=i + 1, tz=tz)
    if not parsed.events:
        parsed.events["event"] = EventRef(key="event")
    parsed.needs_event = "event_title" not in pos and "event_date" not in pos
    return parsed


def _row(parsed: Parsed, raw: list[str], pos: dict[str, int], *, line: int, tz) -> None:
    def get(field: str) -> str:
        return cell(raw, pos.get(field))

    key = "event"
    title, when = get("event_title"), get("event_date")
    if "event_title" in pos or "event_date" in pos:
        start = parse_datetime(when, tz) if when else None
        day = start.date() if start else parse_date(when)
        if when and day is None:
            parsed.skip(line, f"Event date “{when[:40]}” could not be read.")
            return
        key = f"{title}|{day.isoformat() if day else ''}"
        if key not in parsed.events:
            has_time = start is not None and (start.hour, start.minute) != (0, 0)
            parsed.events[key] = EventRef(
                key=key, title=title, start=start if has_time else None, day=day
            )
    attended_text = get("attended")
    attended = parse_bool(attended_text)
    if attended_text and attended is None:
        parsed.skip(line, f"Attended “{attended_text[:40]}” is not yes or no.")
        return
    minutes_text = get("minutes")
    minutes = parse_minutes(minutes_text)
    if minutes_text and minutes is None:
        parsed.skip(line, f"Minutes “{minutes_text[:40]}” is not a number of minutes.")
        return
    joined = _when(get("joined"), tz)
    left = _when(get("left"), tz)
    if (get("joined") and joined is None) or (get("left") and left is None):
        parsed.skip(line, "A join or leave time could not be read.")
        return
    name = get("name") or f"{get('first_name')} {get('last_name')}".strip()
    row = Row(
        line=line,
        event_key=key,
        name=name,
        company=get("company"),
        job_title=get("job_title"),
        country=get("country"),
        attended=attended,
        minutes=minutes,
        joined=joined,
        left=left,
        # No attendance column and no time: being on the list is taken as having come.
        registered=False,
    )
    if attended is None and minutes is None and joined is None:
        row.attended = True
    person_row(parsed, row, get("email"))


def _when(value: str, tz):
    if not value:
        return None
    return parse_datetime(value, tz) or parse_time(value)
