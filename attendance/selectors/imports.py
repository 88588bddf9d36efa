"""Reads for attendance imports: the org's list, one import (404 unless the org's), the
preview's columns and samples, and the skipped rows as CSV cells."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404

from astn.core.spreadsheets import safe_cell
from attendance.imports import Reading
from attendance.imports.formats import CHOICES
from attendance.imports.formats.generic import FIELDS
from attendance.models import AttendanceImport
from events.models import Event
from orgs.models import Organization

PREVIEW_ROWS = 8
SAMPLES = 3
# Spreadsheet programs run cells starting with these; exports prefix them (DESIGN §12).


def import_list(*, org: Organization, limit: int = 50) -> list[AttendanceImport]:
    """The org's imports, newest first (discarded previews left out), with `format_label`."""
    labels = dict(CHOICES)
    imports = list(
        AttendanceImport.objects.for_org(org)
        .exclude(status=AttendanceImport.Status.DISCARDED)
        .select_related("uploaded_by")[:limit]
    )
    for imp in imports:
        imp.format_label = labels.get(imp.format, imp.format)  # type: ignore[attr-defined]
    return imports


def import_events(*, imp: AttendanceImport, limit: int = 50) -> list[Event]:
    """The events an import wrote to, with `attended_count` and `no_show_count`."""
    return list(
        Event.objects.for_org(imp.org)
        .filter(pk__in=imp.event_ids)
        .annotate(
            attended_count=Count("attendances", filter=Q(attendances__attended=True)),
            no_show_count=Count("attendances", filter=Q(attendances__attended=False)),
        )
        .order_by("start")[:limit]
    )


def access_import(*, org: Organization, import_id: int) -> AttendanceImport:
    """Return import `import_id` of `org`; 404 when it is missing or another org's."""
    imp = (
        AttendanceImport.objects.for_org(org)
        .select_related("org", "uploaded_by", "same_file_as")
        .filter(pk=import_id)
        .first()
    )
    if imp is None:
        raise Http404("No such import.")
    return imp


def preview_table(reading: Reading) -> dict:
    """The people table as read: its columns, three sample values each, the first rows."""
    parsed = reading.parsed
    start = parsed.header_line  # 1-based line of the header = 0-based index of first row
    body = [r for r in reading.table.rows[start:] if any(c.strip() for c in r)]
    columns = parsed.columns
    samples = {
        col: [r[i].strip() for r in body if i < len(r) and r[i].strip()][:SAMPLES]
        for i, col in enumerate(columns)
    }
    return {
        "columns": columns,
        "column_samples": [(col, samples[col]) for col in columns],
        "rows": [r[: len(columns)] for r in body[:PREVIEW_ROWS]],
        "fields": [(key, label) for key, (label, _) in FIELDS.items()],
    }


def skipped_rows(imp: AttendanceImport) -> list[list[str]]:
    """Rows for the "skipped rows" CSV: row number and reason, formula-safe."""
    return [["Row", "Reason"]] + [
        [safe_cell(item.get("row")), safe_cell(item.get("reason"))] for item in imp.skipped
    ]


def event_summary(*, org: Organization, event_ids: list[int]) -> list[dict]:
    """Per event type: events, attendees and the average per event (PRD-018's summary)."""
    rows = (
        Event.objects.for_org(org)
        .filter(pk__in=event_ids)
        .values("event_type")
        .annotate(
            events=Count("pk", distinct=True),
            attendees=Count("attendances", filter=Q(attendances__attended=True)),
        )
        .order_by("event_type")
    )
    labels = dict(Event.EventType.choices)
    return [
        {
            "event_type": labels.get(r["event_type"], r["event_type"]),
            "events": r["events"],
            "attendees": r["attendees"],
            "average": round(r["attendees"] / r["events"], 1) if r["events"] else 0,
        }
        for r in rows
    ]
