"""Import an attendance file from the command line (#11).

    python manage.py import_attendance ORG_SLUG FILE [--event ID | --create-events]
                                       [--format NAME] [--commit]

Without `--commit` it prints the preview and writes nothing (the run is rolled back
and the copied file deleted). The last line printed is always one JSON object:
`format, rows, people, events, matched, new_contacts, attended, no_shows, skipped`.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from attendance.errors import AttendanceImportError, ImportFileError
from attendance.imports.formats import FORMATS
from attendance.services.imports import (
    import_confirm,
    import_preview,
    import_read,
    import_run,
    import_upload,
)
from orgs.models import Organization

REPORT_KEYS = (
    "format",
    "rows",
    "people",
    "events",
    "matched",
    "new_contacts",
    "attended",
    "no_shows",
    "skipped",
)


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Import an attendance file (Zoom, Eventbrite, lu.ma, Hopin, Meet, Teams, CSV/XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("org_slug")
        parser.add_argument("file")
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--event", type=int, help="Record everything for this event id.")
        where.add_argument(
            "--create-events", action="store_true", help="Create events the org does not have."
        )
        parser.add_argument("--format", choices=sorted(FORMATS), default="")
        parser.add_argument("--commit", action="store_true", help="Write (default: preview).")

    def handle(self, *args, **opts):
        org = Organization.objects.filter(slug=opts["org_slug"]).first()
        if org is None:
            raise CommandError(f"No organisation with the slug {opts['org_slug']!r}.")
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        options = (
            {"event_id": opts["event"]}
            if opts["event"]
            else {"create_events": bool(opts["create_events"])}
        )
        try:
            counts = (
                self._commit(org, path, opts["format"], options)
                if opts["commit"]
                else self._preview(org, path, opts["format"], options)
            )
        except (ImportFileError, AttendanceImportError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps({key: counts.get(key, 0) for key in REPORT_KEYS}))

    def _upload(self, org, path: Path):
        with path.open("rb") as f:
            return import_upload(org=org, user=None, uploaded=File(f, name=path.name))

    def _preview(self, org, path: Path, fmt: str, options: dict) -> dict:
        counts: dict = {}
        imp = None
        try:
            with transaction.atomic():
                imp = self._upload(org, path)
                reading = import_read(imp, format=fmt)
                counts = import_preview(imp=imp, reading=reading, options=options)
                self.stdout.write(f"Format: {reading.parsed.label}")
                for note in reading.parsed.notes:
                    self.stdout.write(f"Note: {note}")
                self._summary(counts)
                self.stdout.write("Preview only: nothing was written (add --commit to import).")
                raise _Rollback
        except _Rollback:
            pass
        finally:
            if imp is not None and imp.stored_path:
                Path(imp.stored_path).unlink(missing_ok=True)
        return counts

    def _commit(self, org, path: Path, fmt: str, options: dict) -> dict:
        imp = self._upload(org, path)
        reading = import_read(imp, format=fmt)
        import_confirm(
            imp=imp,
            user=None,
            format=reading.parsed.format,
            mapping=reading.parsed.mapping,
            options=options,
            background=False,
        )
        imp = import_run(import_id=imp.pk)
        if imp is None or imp.status != "done":
            raise CommandError(imp.error if imp else "The import did not run.")
        self._summary(imp.counts)
        self.stdout.write(f"Imported: /orgs/{org.slug}/admin/imports/{imp.pk}/")
        return imp.counts

    def _summary(self, counts: dict) -> None:
        self.stdout.write(
            f"{counts.get('rows', 0)} rows: {counts.get('attended', 0)} attended and "
            f"{counts.get('no_shows', 0)} no-shows for {counts.get('people', 0)} people across "
            f"{counts.get('events', 0)} events; {counts.get('matched', 0)} known, "
            f"{counts.get('new_contacts', 0)} new contacts, {counts.get('skipped', 0)} skipped."
        )
