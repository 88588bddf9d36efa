"""Realistic attendance export files, made here in each platform's own layout (#11).

Each function returns the bytes a person would download from the platform; tests write
them to a temporary file and upload or import them. `people(n)` gives repeatable
names and addresses so tests can say who should end up where.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta


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


def _csv(rows: list[list[object]], *, delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _zoom_us(dt: datetime) -> str:
    return dt.strftime("%m/%d/%Y %I:%M:%S %p")


def _zoom_webinar_time(dt: datetime) -> str:
    return dt.strftime("%b %d, %Y %I:%M %p")


def zoom_webinar(
    *,
    start: datetime,
    title: str = "AI Safety Fundamentals: Talk",
    host: P | None = None,
    panelists: list[P] = (),  # type: ignore[assignment]
    attended: list[P] = (),  # type: ignore[assignment]
    absent: list[P] = (),  # type: ignore[assignment]
    rejoin: P | None = None,
) -> bytes:
    """A Zoom webinar Attendee Report: summary, host, panelists, attendees (Yes/No)."""
    host = host or P("Host", "Account", "events@hub.example")
    end = start + timedelta(minutes=90)
    rows: list[list[object]] = [
        ["Attendee Report"],
        ["Report Generated:", _zoom_webinar_time(end + timedelta(hours=1))],
        [
            "Topic",
            "Webinar ID",
            "Actual Start Time",
            "Actual Duration (minutes)",
            "# Registered",
            "# Cancelled",
            "Unique Viewers",
            "Total Users",
            "Max Concurrent Views",
        ],
        [
            title,
            "812 3456 7890",
            _zoom_webinar_time(start),
            90,
            len(attended) + len(absent),
            0,
            len(attended),
            len(attended) + 2,
            len(attended),
        ],
        [],
        ["Host Details"],
        [
            "Attended",
            "User Name (Original Name)",
            "Email",
            "Join Time",
            "Leave Time",
            "Time in Session (minutes)",
            "Is Guest",
            "Country/Region Name",
        ],
        [
            "Yes",
            host.name,
            host.email,
            _zoom_webinar_time(start - timedelta(minutes=10)),
            _zoom_webinar_time(end),
            100,
            "No",
            "Germany",
        ],
        [],
        ["Panelist Details"],
        [
            "Attended",
            "User Name (Original Name)",
            "Email",
            "Join Time",
            "Leave Time",
            "Time in Session (minutes)",
            "Is Guest",
            "Country/Region Name",
        ],
    ]
    for p in panelists:
        rows.append(
            [
                "Yes",
                p.name,
                p.email,
                _zoom_webinar_time(start),
                _zoom_webinar_time(end),
                90,
                "Yes",
                p.country,
            ]
        )
    rows += [
        [],
        ["Attendee Details"],
        [
            "Attended",
            "User Name (Original Name)",
            "First Name",
            "Last Name",
            "Email",
            "City",
            "Country/Region",
            "Phone",
            "Organization",
            "Job Title",
            "Registration Time",
            "Approval Status",
            "Join Time",
            "Leave Time",
            "Time in Session (minutes)",
            "Is Guest",
            "Country/Region Name",
        ],
    ]
    registered = _zoom_webinar_time(start - timedelta(days=3))
    for i, p in enumerate(attended):
        joined = start + timedelta(minutes=i % 7)
        spans = [(joined, end)]
        if rejoin is not None and p == rejoin:
            spans = [
                (joined, joined + timedelta(minutes=20)),
                (joined + timedelta(minutes=25), end),
            ]
        for a, b in spans:
            rows.append(
                [
                    "Yes",
                    f"{p.first} ({p.name})",
                    p.first,
                    p.last,
                    p.email,
                    "Berlin",
                    p.country,
                    "",
                    p.company,
                    p.title,
                    registered,
                    "approved",
                    _zoom_webinar_time(a),
                    _zoom_webinar_time(b),
                    round((b - a).total_seconds() / 60),
                    "Yes",
                    p.country,
                ]
            )
    for p in absent:
        rows.append(
            [
                "No",
                p.name,
                p.first,
                p.last,
                p.email,
                "",
                p.country,
                "",
                p.company,
                p.title,
                registered,
                "approved",
                "--",
                "--",
                "--",
                "Yes",
                "",
            ]
        )
    return _csv(rows).encode("utf-8")


def zoom_meeting(meetings: list[dict], *, host_email: str = "host@hub.example") -> bytes:
    """A Zoom participants report "with meeting data": a block per meeting.

    Each meeting: {"id", "topic", "start", "minutes", "joins": [(P, join_dt, leave_dt)]}.
    """
    rows: list[list[object]] = []
    for m in meetings:
        end = m["start"] + timedelta(minutes=m["minutes"])
        rows.append(
            [
                "Meeting ID",
                "Topic",
                "Start Time",
                "End Time",
                "User Email",
                "Duration (Minutes)",
                "Participants",
            ]
        )
        rows.append(
            [
                m["id"],
                m["topic"],
                _zoom_us(m["start"]),
                _zoom_us(end),
                host_email,
                m["minutes"],
                len({p.email for p, _, _ in m["joins"]}),
            ]
        )
        rows.append([])
        rows.append(
            [
                "Name (Original Name)",
                "User Email",
                "Join Time",
                "Leave Time",
                "Duration (Minutes)",
                "Guest",
                "Recording Consent",
            ]
        )
        rows.append(
            ["Hub Host", host_email, _zoom_us(m["start"]), _zoom_us(end), m["minutes"], "No", ""]
        )
        for p, a, b in m["joins"]:
            rows.append(
                [
                    p.name,
                    p.email,
                    _zoom_us(a),
                    _zoom_us(b),
                    max(1, round((b - a).total_seconds() / 60)),
                    "Yes",
                    "Y",
                ]
            )
        rows.append([])
    return _csv(rows).encode("utf-8")


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
    return _csv(_eventbrite_rows(title, came, tickets, list(refunded))).encode("utf-8")


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
    return _csv(rows).encode("utf-8")


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
    return ("\ufeff" + _csv(rows)).encode("utf-8")


def google_meet(rows_in: list[tuple[P, str, str, str]]) -> bytes:
    """Meet attendance: (person, duration like "1 hr 4 min", joined "6:02 PM", exited)."""
    rows: list[list[object]] = [
        ["First name", "Last name", "Email", "Duration", "Time joined", "Time exited"]
    ]
    for p, duration, joined, exited in rows_in:
        rows.append([p.first, p.last, p.email, duration, joined, exited])
    return _csv(rows).encode("utf-8")


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
    return ("\ufeff" + _csv(rows, delimiter="\t")).encode("utf-16-le")


def generic(rows: list[list[object]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    return _csv(rows, delimiter=delimiter).encode(encoding)


def xlsx(rows: list[list[object]], *, dimension: str | None = None) -> bytes:
    """A minimal but valid .xlsx (inline strings) holding `rows` on its first sheet."""

    def col(n: int) -> str:
        s = ""
        n += 1
        while n:
            n, r = divmod(n - 1, 26)
            s = chr(65 + r) + s
        return s

    def esc(v: object) -> str:
        return str(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    cells = []
    for r, row in enumerate(rows, start=1):
        parts = []
        for c, v in enumerate(row):
            ref = f"{col(c)}{r}"
            if isinstance(v, int | float) and not isinstance(v, bool):
                parts.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{esc(v)}</t></is></c>')
        cells.append(f'<row r="{r}">{"".join(parts)}</row>')
    last = f"{col(max((len(r) for r in rows), default=1) - 1)}{max(len(rows), 1)}"
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{dimension or last}"/><sheetData>{"".join(cells)}</sheetData>'
        "</worksheet>"
    )
    return _zip_workbook(sheet)


def _zip_workbook(
    sheet_xml: str, *, extra: dict[str, bytes] | None = None, workbook_prefix: str = ""
) -> bytes:
    ns = "http://schemas.openxmlformats.org"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?>{workbook_prefix}<workbook xmlns="{ns}/'
            f'spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships">'
            '<sheets><sheet name="Attendees" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


# --- hostile files ---------------------------------------------------------------------


def xlsx_zip_bomb(mb: int = 300) -> bytes:
    """A few hundred KB of zip that unpacks to `mb` MB of sheet XML."""
    filler = "<!-- " + "A" * 1024 * 1024 + " -->"
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        '.org/spreadsheetml/2006/main"><dimension ref="A1:A1"/><sheetData/>'
        + filler * mb
        + "</worksheet>"
    )
    return _zip_workbook(sheet)


def xlsx_entity_bomb() -> bytes:
    dtd = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>'
    )
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?>{dtd}<worksheet xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
        't="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    return _zip_workbook(sheet)


def xlsx_far_cell() -> bytes:
    """About 1.5 KB: one cell at XFD1048576, which makes calamine allocate gigabytes."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        '.org/spreadsheetml/2006/main"><sheetData><row r="1048576"><c r="XFD1048576">'
        "<v>1</v></c></row></sheetData></worksheet>"
    )
    return _zip_workbook(sheet)


def pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
