"""Realistic attendance export files, made here in each platform's own layout (#11).

Each function returns the bytes a person would download from the platform; tests write
them to a temporary file and upload or import them. `people(n)` gives repeatable
names and addresses so tests can say who should end up where.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from tests.attendance.workbook_files import xlsx


@dataclass(frozen=True)
class P:
    first: str
    last: str
    email: str
    company: str = ""
    title: str = ""
    country: str = ""

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


FIRST = ["Ana", "Bruno", "Chloé", "Dmitri", "Eun-ji", "Farah", "Gustav", "Hana", "Ibrahim", "Jon"]
LAST = ["Lee", "Müller", "Okafor", "Novak", "Silva", "Tanaka", "Haddad", "Berg", "Rossi", "Kim"]


def people(n: int, *, domain: str = "example.org", offset: int = 0) -> list[P]:
    out = []
    for i in range(offset, offset + n):
        first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
        out.append(
            P(
                first=first,
                last=last,
                email=f"{first.lower().replace('é', 'e')}.{last.lower()}{i}@{domain}",
                company=["Acme", "Globex", "", "Initech"][i % 4],
                title=["Engineer", "Researcher", "", "Student"][i % 4],
                country=["Germany", "Brazil", "Japan", ""][i % 4],
            )
        )
    return out


def csv_text(rows: list[list[object]], *, delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


EVENTBRITE_HEADER = [
    "Order #",
    "Order Date",
    "Attendee #",
    "First Name",
    "Last Name",
    "Email",
    "Quantity",
    "Ticket Type",
    "Order Type",
    "Currency",
    "Total Paid",
    "Attendee Status",
    "Event Name",
    "Event ID",
    "Company",
    "Job Title",
    "Home Country",
]


def _eventbrite_rows(title: str, came: list[P], tickets: list[P], refunded: list[P]):
    rows: list[list[object]] = [EVENTBRITE_HEADER]
    n = 1000
    for status, group in (("Checked In", came), ("Attending", tickets), ("Refunded", refunded)):
        for p in group:
            n += 1
            rows.append(
                [
                    f"98{n}",
                    "2024-02-20 10:11:12",
                    f"1{n}",
                    p.first,
                    p.last,
                    p.email,
                    1,
                    "General Admission",
                    "Free Order",
                    "EUR",
                    "0.00",
                    status,
                    title,
                    "812345678901",
                    p.company,
                    p.title,
                    p.country,
                ]
            )
    return rows


def eventbrite_csv(*, title: str, came: list[P], tickets: list[P], refunded=()) -> bytes:
    return csv_text(_eventbrite_rows(title, came, tickets, list(refunded))).encode("utf-8")


def eventbrite_xlsx(*, title: str, came: list[P], tickets: list[P]) -> bytes:
    return xlsx(_eventbrite_rows(title, came, tickets, []))


def hopin(*, came: list[P], no_show: list[P]) -> bytes:
    rows: list[list[object]] = [
        [
            "Name",
            "First Name",
            "Last Name",
            "Email",
            "Ticket",
            "Registered at",
            "Attended",
            "Time spent (minutes)",
            "Headline",
            "Company",
            "Job title",
            "Country",
        ]
    ]
    for p in came:
        rows.append(
            [
                p.name,
                p.first,
                p.last,
                p.email,
                "Free",
                "2024-02-01 09:00:00",
                "TRUE",
                47,
                "",
                p.company,
                p.title,
                p.country,
            ]
        )
    for p in no_show:
        rows.append(
            [
                p.name,
                p.first,
                p.last,
                p.email,
                "Free",
                "2024-02-01 09:00:00",
                "FALSE",
                0,
                "",
                p.company,
                p.title,
                p.country,
            ]
        )
    return csv_text(rows).encode("utf-8")


def luma(*, checked_in: list[P], approved: list[P], declined=()) -> bytes:
    """lu.ma's guest CSV: UTF-8 with a BOM."""
    rows: list[list[object]] = [
        [
            "api_id",
            "name",
            "first_name",
            "last_name",
            "email",
            "phone_number",
            "created_at",
            "approval_status",
            "checked_in_at",
            "custom_source",
            "qr_code_url",
            "amount",
            "currency",
            "ticket_name",
        ]
    ]
    n = 0
    for status, group in (
        ("approved", checked_in),
        ("approved", approved),
        ("declined", list(declined)),
    ):
        for p in group:
            n += 1
            checked = "2024-03-04T18:03:11.000Z" if group is checked_in else ""
            rows.append(
                [
                    f"gst-{n:06d}",
                    p.name,
                    p.first,
                    p.last,
                    p.email,
                    "",
                    "2024-02-28T10:00:00.000Z",
                    status,
                    checked,
                    "",
                    "https://lu.ma/check-in/x",
                    "",
                    "",
                    "Standard",
                ]
            )
    return ("\ufeff" + csv_text(rows)).encode("utf-8")


def google_meet(rows_in: list[tuple[P, str, str, str]]) -> bytes:
    """Meet attendance: (person, duration like "1 hr 4 min", joined "6:02 PM", exited)."""
    rows: list[list[object]] = [
        ["First name", "Last name", "Email", "Duration", "Time joined", "Time exited"]
    ]
    for p, duration, joined, exited in rows_in:
        rows.append([p.first, p.last, p.email, duration, joined, exited])
    return csv_text(rows).encode("utf-8")


def teams(
    *,
    title: str,
    start: datetime,
    organizer: P,
    presenters: list[P],
    attendees: list[tuple[P, int]],
) -> bytes:
    """A Teams attendance report: UTF-16 LE with BOM, tab-separated, three sections."""

    def t(dt: datetime) -> str:
        return f"{dt.month}/{dt.day}/{dt:%y}, {dt:%-I:%M:%S %p}"

    end = start + timedelta(minutes=75)
    rows: list[list[object]] = [
        ["1. Summary"],
        ["Meeting title", title],
        ["Attended participants", len(attendees) + len(presenters) + 1],
        ["Start time", t(start)],
        ["End time", t(end)],
        ["Meeting duration", "1h 15m 0s"],
        ["Average attendance time", "58m 12s"],
        [],
        ["2. Participants"],
        [
            "Name",
            "First Join",
            "Last Leave",
            "In-Meeting Duration",
            "Email",
            "Participant ID (UPN)",
            "Role",
        ],
        [
            organizer.name,
            t(start),
            t(end),
            "1h 15m 0s",
            organizer.email,
            organizer.email,
            "Organizer",
        ],
    ]
    for p in presenters:
        rows.append([p.name, t(start), t(end), "1h 15m 0s", p.email, p.email, "Presenter"])
    for p, minutes in attendees:
        rows.append(
            [
                p.name,
                t(start),
                t(start + timedelta(minutes=minutes)),
                f"{minutes // 60}h {minutes % 60}m 0s" if minutes >= 60 else f"{minutes}m 0s",
                p.email,
                p.email,
                "Attendee",
            ]
        )
    rows += [
        [],
        ["3. In-Meeting Activities"],
        ["Name", "Join Time", "Leave Time", "Duration", "Email", "Role"],
    ]
    for p, minutes in attendees:
        rows.append(
            [
                p.name,
                t(start),
                t(start + timedelta(minutes=minutes)),
                f"{minutes}m",
                p.email,
                "Attendee",
            ]
        )
    return ("\ufeff" + csv_text(rows, delimiter="\t")).encode("utf-16-le")


def generic(rows: list[list[object]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    return csv_text(rows, delimiter=delimiter).encode(encoding)
