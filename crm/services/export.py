"""Exports of the member directory: CSV (streamed) and .xlsx (written to a temporary file).

DESIGN §12: admins only (the view checks), re-authenticated (the view's decorator), every
cell that a spreadsheet would read as a formula is neutralised, and each export is
audit-logged — who, when, which filters, how many rows; never the rows themselves.

Rows come from `member_directory` with `.iterator()`, so 20,000 people never sit in
memory at once; the export has the columns the directory shows plus what the member
allows admins to see of their profile.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet
from django.utils import timezone

from astn.core.spreadsheets import safe_cell
from crm.models import ExportLog, MembershipTag
from crm.selectors.directory import DirectoryFilters, member_directory
from engagement.models import Level
from orgs.models import Membership, Organization

CHUNK = 2000
LEVELS = dict(Level.choices)

HEADER = [
    "Name",
    "Email",
    "Status",
    "Role",
    "Joined",
    "Source",
    "Headline",
    "City",
    "Career stage",
    "Skills",
    "Tags",
    "Level",
    "Computed level",
    "Level overridden",
    "Score",
    "Rationale",
    "Last active",
    "Events attended",
]
TIMED_COLUMNS = {"Joined", "Last active"}


def export_queryset(*, org: Organization, filters: DirectoryFilters) -> QuerySet[Membership]:
    tag_names = ArraySubquery(
        MembershipTag.objects.filter(membership=OuterRef("pk"))
        .order_by("tag__name")
        .values("tag__name")
    )
    return member_directory(org=org, filters=filters).annotate(
        tag_names=tag_names,
        export_skills=F("user__profile__skills"),
        export_rationale=F("engagement__rationale"),
    )


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def export_rows(*, org: Organization, filters: DirectoryFilters) -> Iterator[list[Any]]:
    """Yield the header, then one escaped row per person (times in the active time zone)."""
    zone = timezone.get_current_timezone_name()
    yield [f"{title} ({zone})" if title in TIMED_COLUMNS else title for title in HEADER]
    statuses = dict(Membership.Status.choices)
    roles = dict(Membership.Role.choices)
    sources = dict(Membership.Source.choices)
    m: Any  # a Membership with the directory's annotations
    for m in export_queryset(org=org, filters=filters).iterator(chunk_size=CHUNK):
        visible = m.profile_visible
        row = [
            m.display,
            m.email,
            statuses.get(m.status, m.status),
            roles.get(m.role, m.role),
            _when(m.joined_at),
            sources.get(m.source, m.source),
            m.headline if visible else "",
            m.city if visible else "",
            m.career_stage if visible else "",
            ", ".join(m.export_skills or []) if visible else "",
            ", ".join(m.tag_names or []),
            LEVELS.get(m.effective_level, "") if m.effective_level else "",
            LEVELS.get(m.computed_level, "") if m.computed_level else "",
            "yes" if m.level_overridden else "no",
            m.engagement_score if m.engagement_score is not None else "",
            m.export_rationale or "",
            _when(m.last_active_at),
            "hidden by member" if m.events_attended is None else m.events_attended,
        ]
        yield [safe_cell(value) for value in row]


@transaction.atomic
def export_log_create(
    *, org: Organization, user, format: str, filters: DirectoryFilters, row_count: int
) -> ExportLog:
    """Record that `user` exported `row_count` rows of `org` with `filters` (never the rows)."""
    return ExportLog.objects.create(
        org=org, user=user, format=format, filters=filters.as_log(), row_count=row_count
    )


class _Echo:
    """A file-like object whose `write` returns the line: csv.writer feeding a stream."""

    def write(self, value: str) -> str:
        return value


def csv_stream(rows: Iterator[list[Any]]) -> Iterator[str]:
    """Yield CSV text line by line (with a BOM so Excel reads UTF-8)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


def xlsx_file(rows: Iterator[list[Any]]) -> IO[bytes]:
    """Write `rows` to a temporary .xlsx file (openpyxl write-only: rows go to disk as they
    come) and return it opened at the start. Every string cell is stored as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Members")
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
            cells.append(cell)
        sheet.append(cells)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    return handle
