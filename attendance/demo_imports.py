"""`seed_demo` for imports (#11): a finished import on two demo orgs, so the imports
list, a result page and the dashboard's "Recent imports" have something to show.

- Effective Giving Online: a Zoom participants report of a talk 12 days ago, for which
  the import creates the event (rejoins folded, the host skipped, two who left early
  not counted as attending);
- Berlin Reading Circle: lu.ma's guest CSV of its latest evening that ended before
  `ended_before` (older than the recent ones the demo leaves unanswered, so the dashboard
  still asks about those), matched to that event: members checked in, new guests become
  contacts, one approved guest a no-show.

Idempotent: an org that already has an import is left alone.
"""

from __future__ import annotations

import csv
import io
import zoneinfo
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from attendance.imports.formats.zoom_meeting import (
    MEETING_COLUMNS,
    PARTICIPANT_COLUMNS,
    TIME_FORMAT,
)
from attendance.models import AttendanceImport
from attendance.services.imports import import_confirm, import_run, import_upload
from events.models import Event
from orgs.models import Membership, Organization

IMPORT_ORG = "effective-giving-online"
# (name, email, minutes in the first join, minutes in a rejoin or 0)
ZOOM_PEOPLE = [
    ("Diego Alvarez", "diego@astn.example", 58, 0),
    ("Priya Raman", "priya@astn.example", 22, 31),
    ("Hannah Schulz", "hannah.schulz@example.net", 61, 0),
    ("Kwame Mensah", "kwame.mensah@example.net", 6, 0),
    ("Lucía Fernández", "lucia.fernandez@example.net", 44, 0),
    ("Ravi Iyer", "ravi.iyer@example.net", 35, 12),
    ("Emma Novak", "emma.novak@example.net", 3, 0),
]


def _zoom_report(start) -> bytes:
    """A Zoom participants report "with meeting data" for a talk 12 days ago."""

    def stamp(dt) -> str:
        return dt.strftime(TIME_FORMAT)

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    end = start + timedelta(minutes=65)
    w.writerow(MEETING_COLUMNS)
    w.writerow(
        [
            "851 2207 4410",
            "Giving well: Q&A with charity researchers",
            stamp(start),
            stamp(end),
            "hosts@effective-giving.example",
            65,
            len(ZOOM_PEOPLE),
        ]
    )
    w.writerow([])
    w.writerow(PARTICIPANT_COLUMNS)
    w.writerow(
        ["EGO Hosts", "hosts@effective-giving.example", stamp(start), stamp(end), 65, "No", ""]
    )
    for n, (name, email, first, again) in enumerate(ZOOM_PEOPLE):
        joined = start + timedelta(minutes=n)
        w.writerow(
            [
                name,
                email,
                stamp(joined),
                stamp(joined + timedelta(minutes=first)),
                first,
                "Yes",
                "Y",
            ]
        )
        if again:
            back = joined + timedelta(minutes=first + 3)
            w.writerow(
                [
                    name,
                    email,
                    stamp(back),
                    stamp(back + timedelta(minutes=again)),
                    again,
                    "Yes",
                    "Y",
                ]
            )
    return out.getvalue().encode()


LUMA_ORG = "berlin-reading-circle"
# Guests who were not on the org's list yet: (name, email, checked in)
LUMA_GUESTS = [
    ("Lea Hoffmann", "lea.hoffmann@example.net", True),
    ("Omar Farouk", "omar.farouk@example.net", True),
    ("Sofia Rossi", "sofia.rossi@example.net", True),
    ("Tim Becker", "tim.becker@example.net", False),
]
LUMA_HEADER = [
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


def _luma_guests(event: Event, members: list[Membership]) -> bytes:
    """lu.ma's guest CSV (UTF-8 with a BOM) for `event`: every member given checked in."""

    def iso(dt) -> str:
        return dt.astimezone(zoneinfo.ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    guests = [(m.user.name or m.name, m.user.email, True) for m in members]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(LUMA_HEADER)
    for n, (name, email, came) in enumerate([*guests, *LUMA_GUESTS], start=1):
        first, _, last = name.partition(" ")
        w.writerow(
            [
                f"gst-demo{n:04d}",
                name,
                first,
                last,
                email,
                "",
                iso(event.start - timedelta(days=6, minutes=n * 37)),
                "approved",
                iso(event.start + timedelta(minutes=n)) if came else "",
                "",
                f"https://lu.ma/check-in/gst-demo{n:04d}",
                "",
                "",
                "Free",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _run(*, org: Organization, file_name: str, data: bytes, options: dict) -> AttendanceImport:
    """Upload, confirm and run one file as the org's first admin would."""
    admin = Membership.objects.admins().filter(org=org).select_related("user").first()
    user = admin.user if admin else None
    imp = import_upload(org=org, user=user, uploaded=SimpleUploadedFile(file_name, data))
    import_confirm(
        imp=imp, user=user, format=imp.format, mapping={}, options=options, background=False
    )
    return import_run(import_id=imp.pk) or imp


def _org_without_imports(slug: str) -> Organization | None:
    org = Organization.objects.filter(slug=slug).first()
    if org is None or AttendanceImport.objects.for_org(org).exists():
        return None
    return org


def seed_zoom_import(*, stdout) -> None:
    org = _org_without_imports(IMPORT_ORG)
    if org is None:
        return
    day = timezone.now().astimezone(zoneinfo.ZoneInfo("Europe/London")) - timedelta(days=12)
    start = day.replace(hour=18, minute=0, second=0, microsecond=0, tzinfo=None)
    imp = _run(
        org=org,
        file_name="zoom_participants_85122074410.csv",
        data=_zoom_report(start),
        options={"create_events": True},
    )
    stdout.write(f"attendance: a finished Zoom import on {org.name} ({imp.status})")


def seed_luma_import(*, stdout, ended_before) -> None:
    org = _org_without_imports(LUMA_ORG)
    if org is None:
        return
    event = (
        Event.objects.for_org(org).published().filter(end__lt=ended_before).order_by("-start")
    ).first()
    if event is None:
        return
    members = list(
        Membership.objects.active()
        .filter(org=org, user__isnull=False)
        .exclude(role=Membership.Role.ADMIN)
        .select_related("user")
        .order_by("pk")
    )
    imp = _run(
        org=org,
        file_name=f"{event.title[:40]} - Guests.csv",
        data=_luma_guests(event, members),
        options={"event_id": event.pk},
    )
    stdout.write(f"attendance: a finished lu.ma import on {org.name} ({imp.status})")


def seed_imports(*, stdout, ended_before) -> None:
    seed_zoom_import(stdout=stdout)
    seed_luma_import(stdout=stdout, ended_before=ended_before)
