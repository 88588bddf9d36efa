"""Zoom meeting *participants* report (Reports → Usage → Participants → Export with meeting data).

Layout: a meeting block — a header (Meeting ID, Topic, Start Time, End Time, User Email
(the host), Duration (Minutes), Participants) and one line of values — then a blank
line and the participants: one row per join (Name (Original Name), User Email, Join
Time, Leave Time, Duration (Minutes), Guest, ...). Someone who dropped and rejoined has
several rows. Several meetings exported together simply repeat the blocks. Without the
meeting block (exported without meeting data) the admin picks the event.

Zoom says nothing about attendance but time in session, so "attended" comes from the
org's "counts as attended after N minutes". The host account is not recorded.
"""

from __future__ import annotations

from datetime import tzinfo

from attendance.imports.formats.base import first_rows, person_row, strip_original_name
from attendance.imports.records import (
    EventRef,
    Header,
    Parsed,
    Row,
    blank,
    cell,
    header_key,
    normalize_email,
    parse_datetime,
    parse_minutes,
)

NAME = "zoom_meeting"
LABEL = "Zoom meeting participants report"

# The columns Zoom writes, in its order, and its time stamps: for the files made here
# (the demo, `bench/imports.py`). The tests' fixtures keep their own copy on purpose, so
# a slip here cannot hide in both the parser and the files it is tested with.
MEETING_COLUMNS = (
    "Meeting ID",
    "Topic",
    "Start Time",
    "End Time",
    "User Email",
    "Duration (Minutes)",
    "Participants",
)
PARTICIPANT_COLUMNS = (
    "Name (Original Name)",
    "User Email",
    "Join Time",
    "Leave Time",
    "Duration (Minutes)",
    "Guest",
    "Recording Consent",
)
TIME_FORMAT = "%m/%d/%Y %I:%M:%S %p"


def _is_meeting_header(h: Header) -> bool:
    return h.has("Meeting ID", "Topic", "Start Time")


def _is_participant_header(h: Header) -> bool:
    return h.has("Join Time", "Leave Time") and (
        h.has("Name (Original Name)") or h.has("Name", "Duration (Minutes)")
    )


def detect(rows: list[list[str]]) -> bool:
    heads = first_rows(rows, 8)
    return any(_is_meeting_header(h) for h in heads[:2]) or any(
        _is_participant_header(h) and h.pos("Attended") is None for h in heads[:2]
    )


def parse(rows: list[list[str]], *, tz: tzinfo) -> Parsed:
    parsed = Parsed(format=NAME, label=LABEL)
    event: EventRef | None = None
    host_email = ""
    people: Header | None = None
    pos: dict[str, int | None] = {}
    i = 0
    while i < len(rows):
        raw = rows[i]
        if blank(raw):
            i += 1
            continue
        # Within a participants table only a line starting "Meeting ID" can be a header.
        starts_block = raw[0][:7].lower() == "meeting" and header_key(raw[0]) == "meetingid"
        head = Header(raw) if people is None or starts_block else None
        if head is not None and _is_meeting_header(head):
            values = rows[i + 1] if i + 1 < len(rows) else []
            event = _meeting(head, values, tz=tz, n=len(parsed.events))
            parsed.events[event.key] = event
            host_email = normalize_email(cell(values, head.pos("User Email", "Host Email")))
            people = None
            i += 2
            continue
        if people is None or (head is not None and _is_participant_header(head)):
            if head is not None and _is_participant_header(head):
                people = head
                pos = {
                    "email": head.pos("User Email", "Email"),
                    "name": head.pos("Name (Original Name)", "Name"),
                    "minutes": head.pos("Duration (Minutes)", "Duration"),
                    "joined": head.pos("Join Time"),
                    "left": head.pos("Leave Time"),
                }
                if not parsed.columns:
                    parsed.columns, parsed.header_line = list(raw), i + 1
                if event is None:
                    event = EventRef(key="meeting")
                    parsed.events[event.key] = event
                    parsed.needs_event = True
            i += 1
            continue
        assert event is not None
        email = normalize_email(cell(raw, pos["email"]))
        if host_email and email == host_email:
            parsed.skip(i + 1, "Host of the meeting: hosts are not recorded as attendees.")
            i += 1
            continue
        row = Row(
            line=i + 1,
            event_key=event.key,
            name=strip_original_name(cell(raw, pos["name"])),
            minutes=parse_minutes(cell(raw, pos["minutes"])),
            joined=parse_datetime(cell(raw, pos["joined"]), tz),
            left=parse_datetime(cell(raw, pos["left"]), tz),
        )
        person_row(parsed, row, email, normalized=True)
        i += 1
    hosts = sum(1 for _, reason in parsed.skipped if reason.startswith("Host"))
    if hosts:
        parsed.notes.append(f"{hosts} host line{'s' if hosts != 1 else ''} not recorded.")
    return parsed


def _meeting(head: Header, values: list[str], *, tz: tzinfo, n: int) -> EventRef:
    meeting_id = cell(values, head.pos("Meeting ID")).replace(" ", "")
    start = parse_datetime(cell(values, head.pos("Start Time")), tz)
    return EventRef(
        key=f"{meeting_id}@{start.isoformat() if start else n}",
        title=cell(values, head.pos("Topic")),
        start=start,
        end=parse_datetime(cell(values, head.pos("End Time")), tz),
        external_id=meeting_id,
    )
