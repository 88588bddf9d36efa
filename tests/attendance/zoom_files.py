"""Zoom's attendance exports, made here in Zoom's own layouts (#11): the webinar
Attendee Report and the meeting participants report."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.attendance.import_files import P, csv_text

# The header Zoom repeats above the host and above the panelists.
WEBINAR_PEOPLE_HEADER = [
    "Attended",
    "User Name (Original Name)",
    "Email",
    "Join Time",
    "Leave Time",
    "Time in Session (minutes)",
    "Is Guest",
    "Country/Region Name",
]


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
        WEBINAR_PEOPLE_HEADER,
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
        WEBINAR_PEOPLE_HEADER,
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
    return csv_text(rows).encode("utf-8")


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
    return csv_text(rows).encode("utf-8")
