"""Helpers every format module shares: finding a header row, reading one person's cells."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from attendance.imports.records import (
    EventRef,
    Header,
    Parsed,
    Row,
    blank,
    clean_text,
    email_ok,
    normalize_email,
)


def find_row(
    rows: list[list[str]], test: Callable[[Header], bool], *, start: int = 0, limit: int = 0
) -> int | None:
    """Return the index of the first row (from `start`, within `limit` rows) whose cells pass."""
    end = len(rows) if not limit else min(len(rows), start + limit)
    for i in range(start, end):
        if not blank(rows[i]) and test(Header(rows[i])):
            return i
    return None


def one_event_table(
    rows: list[list[str]],
    *,
    name: str,
    label: str,
    is_header: Callable[[Header], bool],
    limit: int,
) -> tuple[Parsed, Header, Iterator[tuple[int, list[str]]]]:
    """The shape of a per-event export (Hopin, lu.ma, Google Meet): a header row near the top,
    then one row per person, for one event the file does not name (the admin picks it or it
    is matched by day). Returns the `Parsed` with that one event, the header, and
    `(index, cells)` of every non-blank data row (the file's line number is index + 1)."""
    parsed = Parsed(format=name, label=label, needs_event=True)
    parsed.events["event"] = EventRef(key="event")
    start = find_row(rows, is_header, limit=limit) or 0
    parsed.columns, parsed.header_line = list(rows[start]), start + 1
    data = ((i, rows[i]) for i in range(start + 1, len(rows)) if not blank(rows[i]))
    return parsed, Header(rows[start]), data


def first_rows(rows: list[list[str]], n: int = 40) -> list[Header]:
    return [Header(r) for r in rows[:n] if not blank(r)]


def person_row(parsed: Parsed, row: Row, raw_email: str, *, normalized: bool = False) -> Row | None:
    """Check the email of `row` and keep it in `parsed`, or skip the line with a reason."""
    email = raw_email if normalized else normalize_email(raw_email)
    row.name = clean_text(row.name)
    row.company = clean_text(row.company)
    row.job_title = clean_text(row.job_title)
    row.country = clean_text(row.country, 100)
    if email and not email_ok(email):
        parsed.skip(row.line, f"“{clean_text(raw_email, 60)}” is not an email address.")
        return None
    if not email and not row.name:
        parsed.skip(row.line, "No email address and no name.")
        return None
    row.email = email
    parsed.rows.append(row)
    return row


def full_name(first: str, last: str, whole: str = "") -> str:
    return whole.strip() or f"{first.strip()} {last.strip()}".strip()


def strip_original_name(name: str) -> str:
    """Zoom writes "Display (Original Name)": keep the original, the name they signed up with."""
    name = name.strip()
    if name.endswith(")") and " (" in name:
        inner = name[name.rindex(" (") + 2 : -1].strip()
        return inner or name
    return name
