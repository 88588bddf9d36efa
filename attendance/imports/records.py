"""What a parser hands to the import service: rows as read, events as named, rows left out.

Every format module turns its file into a `Parsed`; nothing here touches the database.
Values are parsed once, with small caches, because a 100,000-row file repeats its
timestamps and durations a lot.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from functools import lru_cache

HOST, PANELIST, ATTENDEE = "host", "panelist", "attendee"

# Good enough to tell an address from a typo; the mail server is the final judge.
EMAIL_RE = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]{2,}$")


@dataclass(slots=True)
class EventRef:
    """An event as the file names it: one per meeting/webinar, or per title+date (generic)."""

    key: str
    title: str = ""
    start: datetime | None = None
    end: datetime | None = None
    day: date | None = None
    external_id: str = ""


@dataclass(slots=True)
class Row:
    """One person's line in the file (a rejoin is several lines; `merge` folds them)."""

    line: int
    event_key: str
    email: str = ""
    name: str = ""
    company: str = ""
    job_title: str = ""
    country: str = ""
    # Explicit in the file (Attended Yes/No, Checked In); None when only minutes say it.
    attended: bool | None = None
    minutes: int | None = None
    # Aware datetimes, or times of day (Google Meet) placed on the event's day later.
    joined: datetime | time | None = None
    left: datetime | time | None = None
    # On the registration list (webinar registrants, tickets, lu.ma guests): RSVP going.
    registered: bool = False
    role: str = ATTENDEE
    # Lines of the other rows folded into this one (rejoins), for skip reasons.
    also: tuple[int, ...] = ()

    @property
    def lines(self) -> list[int]:
        return [self.line, *self.also]


@dataclass
class Parsed:
    format: str
    label: str
    events: dict[str, EventRef] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    # The table the people are in: its header and where it starts, for the preview.
    columns: list[str] = field(default_factory=list)
    header_line: int = 0
    mapping: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # The file names no day for its event (Google Meet, Eventbrite): the admin picks one.
    needs_event: bool = False

    def skip(self, line: int, reason: str) -> None:
        self.skipped.append((line, reason))


class Header:
    """Column positions by name, compared without case, spaces or punctuation differences."""

    def __init__(self, names: list[str]):
        self.names = names
        self.index: dict[str, int] = {}
        for i, name in enumerate(names):
            self.index.setdefault(header_key(name), i)

    def has(self, *names: str) -> bool:
        return all(header_key(n) in self.index for n in names)

    def pos(self, *names: str) -> int | None:
        for name in names:
            i = self.index.get(header_key(name))
            if i is not None:
                return i
        return None


@lru_cache(maxsize=4096)
def header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9#]+", "", unicodedata.normalize("NFKC", name or "").lower())


def cell(row: list[str], i: int | None) -> str:
    if i is None or i >= len(row):
        return ""
    return row[i].strip()


def blank(row: list[str]) -> bool:
    return not any(c.strip() for c in row)


def normalize_email(value: str) -> str:
    """Trim, lower-case and NFKC-normalise (full-width letters, ligatures) an address."""
    return unicodedata.normalize("NFKC", value or "").strip().lower()


def email_ok(value: str) -> bool:
    return len(value) <= 254 and bool(EMAIL_RE.match(value))


def clean_text(value: str, limit: int = 150) -> str:
    """A name or company as we store it: one line, no control characters, at most `limit`."""
    if not value:
        return ""
    if not value.isprintable() or "  " in value or value[0] == " " or value[-1] == " ":
        value = " ".join(value.split())
        value = "".join(ch for ch in value if ch.isprintable())
    return value[:limit]


TRUE = {"yes", "y", "true", "1", "checked in", "checkedin", "attended", "x", "✓"}
FALSE = {"no", "n", "false", "0", "not attended", "absent", "--"}


def parse_bool(value: str) -> bool | None:
    v = (value or "").strip().lower()
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    return None


_DATETIME_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p",  # Zoom meeting reports
    "%m/%d/%Y %I:%M %p",
    "%b %d, %Y %I:%M %p",  # Zoom webinar reports
    "%b %d, %Y %I:%M:%S %p",
    "%m/%d/%y, %I:%M:%S %p",  # Teams
    "%m/%d/%Y, %I:%M:%S %p",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
)


# Zoom's and Teams' US date-times, read without strptime (which consults the locale on
# every call: a 100,000-row report spent seconds there).
_US_DATETIME = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AaPp][Mm])$"
)


@lru_cache(maxsize=65536)
def parse_datetime(value: str, tz: tzinfo) -> datetime | None:
    """Parse the date-times event platforms write; naive ones are in `tz`. None if unreadable."""
    v = (value or "").strip()
    if not v or v == "--":
        return None
    us = _US_DATETIME.match(v)
    if us:
        month, day, year, hour, minute, second, half = us.groups()
        hour_24 = int(hour) % 12 + (12 if half.lower() == "pm" else 0)
        full_year = int(year) + (2000 if len(year) == 2 else 0)
        try:
            return datetime(
                full_year, int(month), int(day), hour_24, int(minute), int(second or 0), tzinfo=tz
            )
        except ValueError:
            return None
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        for fmt in _DATETIME_FORMATS:
            try:
                parsed = datetime.strptime(v, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed


_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%b %d, %Y", "%d %b %Y", "%B %d, %Y")


@lru_cache(maxsize=4096)
def parse_date(value: str) -> date | None:
    v = (value or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(v, fmt).date()
        except ValueError:
            continue
    return None


@lru_cache(maxsize=4096)
def parse_time(value: str) -> time | None:
    v = (value or "").strip().upper()
    for fmt in ("%I:%M %p", "%I:%M:%S %p", "%H:%M", "%H:%M:%S"):
        try:
            return datetime.strptime(v, fmt).time()
        except ValueError:
            continue
    return None


_DURATION_PART = re.compile(
    r"(\d+(?:\.\d+)?)\s*(h|hr|hrs|hour|hours|m|min|mins|minute|minutes|s|sec|secs|seconds)\b"
)


@lru_cache(maxsize=4096)
def parse_minutes(value: str) -> int | None:
    """Minutes from "92", "1 hr 4 min", "1h 30m 53s", "45 min" or "1:04:00"; None if unreadable."""
    v = (value or "").strip().lower()
    if not v or v == "--":
        return None
    try:
        number = float(v.replace(",", "."))
    except ValueError:
        pass
    else:
        return round(number) if 0 <= number < 100_000 else None
    if re.fullmatch(r"\d{1,3}:\d{2}(:\d{2})?", v):
        hours, minutes, *rest = (int(p) for p in v.split(":"))
        seconds = rest[0] if rest else 0
        return round(hours * 60 + minutes + seconds / 60)
    total = 0.0
    found = False
    for amount, unit in _DURATION_PART.findall(v):
        found = True
        if unit.startswith("h"):
            total += float(amount) * 60
        elif unit.startswith("m"):
            total += float(amount)
        else:
            total += float(amount) / 60
    return round(total) if found else None
