"""Helpers for the import tests: upload bytes as an admin would, confirm, run."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from attendance.models import AttendanceImport
from attendance.services.imports import import_confirm, import_read, import_run, import_upload


def upload(org, user, data: bytes, name: str = "report.csv") -> AttendanceImport:
    return import_upload(org=org, user=user, uploaded=SimpleUploadedFile(name, data))


def run(org, user, data: bytes, name: str = "report.csv", **options) -> AttendanceImport:
    """Upload, confirm with `options` (event_id / create_events) and run to the end."""
    imp = upload(org, user, data, name)
    reading = import_read(imp)
    import_confirm(
        imp=imp,
        user=user,
        format=reading.parsed.format,
        mapping=reading.parsed.mapping,
        options=options,
    )
    import_run(import_id=imp.pk)
    imp.refresh_from_db()
    return imp
