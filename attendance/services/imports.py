"""Attendance imports: upload, preview, confirm, run (in the request or a task), undo.

The life of an import (`AttendanceImport.status`):

    preview ──confirm──▶ queued ──run──▶ running ──▶ done ──undo──▶ undone
       └──discard──▶ discarded                └──▶ failed

- `import_upload` checks the size, stores the file under `settings.UPLOAD_ROOT`
  (outside every served path), hashes it and reads it once so a bad file is refused
  at once with a reason. Nothing about attendance is written.
- `import_preview` reads the file again and runs the whole import inside a
  transaction that is rolled back, so the counts shown are exactly what confirming
  would do — and nothing is written.
- `import_confirm` records the admin's choices; files under `INLINE_ROWS` rows run in
  the request, bigger ones in `attendance.tasks.attendance_import_run_task`.
- `import_run` writes everything in ONE transaction (all or nothing), deletes the
  file, and sends one `attendance_imported` signal after commit.
- `import_undo` reverts, through the ledger, what the import changed and nobody has
  changed since.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from attendance.errors import AttendanceImportError, ImportFileError
from attendance.imports import Reading, parse_file, parse_table
from attendance.imports.files import read_table, size_check
from attendance.imports.formats import detect
from attendance.imports.merge import Person, merge
from attendance.imports.staging import stage_rows
from attendance.models import Attendance, AttendanceImport
from attendance.selectors.imports import event_summary
from attendance.services.import_events import event_create_from_file, events_match, org_zone
from attendance.services.import_writes import attendance_apply, attendance_undo, people_resolve
from attendance.signals import attendance_imported
from events.models import Event
from orgs.models import Membership, Organization

log = logging.getLogger(__name__)

INLINE_ROWS = 2000
# Files up to this many lines are parsed in full on upload, so a bad one is refused at once.
UPLOAD_PARSE_ROWS = 5000
ALLOWED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")


class _DryRun(Exception):
    """Raised to roll back a preview run."""


def upload_dir() -> Path:
    return Path(getattr(settings, "UPLOAD_ROOT", settings.BASE_DIR / "var" / "uploads"))


def import_upload(*, org: Organization, user, uploaded) -> AttendanceImport:
    """Store `uploaded` (a Django `UploadedFile`) and read it; return the import in `preview`.

    Raise `ImportFileError` (and keep nothing) when the file is too big, of the wrong kind
    or unreadable.
    """
    name = Path(uploaded.name or "attendance.csv").name[:255]
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise ImportFileError("Upload a CSV, TSV or Excel (.xlsx) file.")
    size_check(uploaded.size or 0)
    folder = upload_dir() / str(org.pk)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(name).suffix.lower()}"
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for chunk in uploaded.chunks():
            digest.update(chunk)
            out.write(chunk)
    try:
        table = read_table(path, head_rows=UPLOAD_PARSE_ROWS)
        detected = detect(table.rows)
        if detected == "generic" and not table.complete:
            table = read_table(path)  # the column mapping is guessed from the whole file
        if table.complete:
            reading = parse_table(table, tz=org_zone(org))
            fmt, mapping = reading.parsed.format, reading.parsed.mapping
            rows_total = len(reading.parsed.rows) + len(reading.parsed.skipped)
        else:
            # A big file is parsed in full by the preview and the run; here the type,
            # encoding and format checks are enough to refuse a wrong file at once.
            fmt, mapping = detected, {}
            rows_total = table.row_count
    except ImportFileError:
        path.unlink(missing_ok=True)
        raise
    except Exception:
        path.unlink(missing_ok=True)
        log.exception("attendance import: unreadable upload")
        raise ImportFileError(
            "This file could not be read. Export it again as CSV and upload that."
        ) from None
    sha = digest.hexdigest()
    return AttendanceImport.objects.create(
        org=org,
        uploaded_by=user,
        file_name=name,
        file_size=path.stat().st_size,
        file_sha256=sha,
        stored_path=str(path),
        format_detected=detected,
        format=fmt,
        mapping=mapping,
        rows_total=rows_total,
        same_file_as=_earlier_same_file(org=org, sha=sha),
    )


def _earlier_same_file(*, org: Organization, sha: str) -> AttendanceImport | None:
    return (
        AttendanceImport.objects.for_org(org)
        .filter(file_sha256=sha, status=AttendanceImport.Status.DONE)
        .order_by("-finished_at")
        .first()
    )


def import_read(imp: AttendanceImport, *, format: str = "", mapping=None) -> Reading:
    """Parse the stored file of `imp` with the given (or saved) format and mapping."""
    if not imp.stored_path or not Path(imp.stored_path).exists():
        raise AttendanceImportError("The uploaded file is no longer here. Upload it again.")
    return parse_file(
        Path(imp.stored_path),
        tz=org_zone(imp.org),
        format=format or imp.format,
        mapping=mapping if mapping is not None else (imp.mapping or None),
    )


def import_preview(
    *, imp: AttendanceImport, reading: Reading, options: dict, actor=None
) -> dict[str, int]:
    """Return the counts confirming `imp` with `options` would produce; write nothing."""
    counts: dict[str, int] = {}
    try:
        with transaction.atomic():
            counts = _write(imp=imp, reading=reading, options=options, actor=actor)
            raise _DryRun
    except _DryRun:
        pass
    return counts


@transaction.atomic
def import_confirm(
    *,
    imp: AttendanceImport,
    user,
    format: str,
    mapping: dict,
    options: dict,
    background: bool | None = None,
) -> AttendanceImport:
    """Record the admin's choices and queue `imp`.

    With `background` (default: files of `INLINE_ROWS` rows or more) the Celery task is
    enqueued after commit; otherwise the caller runs `import_run` itself.

    Raise `AttendanceImportError` if it is no longer waiting for confirmation.
    """
    imp = AttendanceImport.objects.for_org(imp.org_id).select_for_update().get(pk=imp.pk)
    if imp.status != AttendanceImport.Status.PREVIEW:
        raise AttendanceImportError("This import has already been confirmed.")
    imp.format, imp.mapping, imp.options = format, mapping, options
    imp.status = AttendanceImport.Status.QUEUED
    imp.save(update_fields=["format", "mapping", "options", "status"])
    if background is None:
        background = imp.rows_total >= INLINE_ROWS
    if background:
        from attendance.tasks import attendance_import_run_task

        transaction.on_commit(lambda: _enqueue(attendance_import_run_task, imp.pk))
    return imp


def _enqueue(task, import_id: int) -> None:
    try:
        task.delay(import_id)
    except Exception:
        # The broker is down: the import stays queued, and the sweep (or the result page's
        # "run now") picks it up; the admin's confirmation stands.
        log.exception("attendance import %s: could not queue", import_id)


def import_run(*, import_id: int, now: datetime | None = None) -> AttendanceImport | None:
    """Run a queued import to the end. Idempotent: a running or finished import is left alone.

    Reads the file outside any transaction (progress shows meanwhile), then writes in
    one transaction; on any failure nothing is written and the import is `failed`.
    The file is deleted either way.
    """
    with transaction.atomic():
        imp = (
            # By id alone: the caller (a view of its org, the task, the sweep) says which.
            AttendanceImport.objects.cross_org()
            .select_for_update(skip_locked=True, of=("self",))
            .filter(pk=import_id, status=AttendanceImport.Status.QUEUED)
            .select_related("org", "uploaded_by")
            .first()
        )
        if imp is None:
            return None
        imp.status = AttendanceImport.Status.RUNNING
        imp.started_at = timezone.now()
        imp.save(update_fields=["status", "started_at"])
    try:
        reading = import_read(imp)
        _progress(imp, rows_done=max(1, imp.rows_total // 2))
        with transaction.atomic():
            counts = _write(
                imp=imp, reading=reading, options=imp.options, actor=imp.uploaded_by, now=now
            )
            imp.counts = counts
            imp.skipped = [
                {"row": line, "reason": reason} for line, reason in counts.pop("_skipped")
            ]
            imp.event_ids = counts.pop("_event_ids")
            imp.event_summary = event_summary(org=imp.org, event_ids=imp.event_ids)
            imp.status = AttendanceImport.Status.DONE
            imp.rows_total = imp.rows_done = counts["rows"]
            imp.finished_at = timezone.now()
            imp.save()
            if counts.get("changes") or counts.get("new_contacts"):
                transaction.on_commit(lambda: _announce(imp, undone=False))
    except (ImportFileError, AttendanceImportError) as exc:
        _fail(imp, str(exc))
    except Exception:
        log.exception("attendance import %s failed", imp.pk)
        _fail(imp, "Something went wrong while importing; nothing was written. Try again.")
    finally:
        _delete_file(imp)
    return imp


def _update(imp: AttendanceImport, **fields) -> None:
    """Write `fields` of `imp` straight to its row (outside the import's own transaction)."""
    AttendanceImport.objects.for_org(imp.org_id).filter(pk=imp.pk).update(**fields)


def _progress(imp: AttendanceImport, *, rows_done: int) -> None:
    _update(imp, rows_done=rows_done)


def _fail(imp: AttendanceImport, message: str) -> None:
    _update(imp, status=AttendanceImport.Status.FAILED, error=message, finished_at=timezone.now())
    imp.status, imp.error = AttendanceImport.Status.FAILED, message


def _delete_file(imp: AttendanceImport) -> None:
    if imp.stored_path:
        Path(imp.stored_path).unlink(missing_ok=True)
        _update(imp, stored_path="")
        imp.stored_path = ""


def _announce(imp: AttendanceImport, *, undone: bool) -> None:
    attendance_imported.send(
        sender=Attendance,
        org=imp.org,
        event_ids=sorted(imp.event_ids),
        attendance_import=imp,
        undone=undone,
    )


STUCK_QUEUED = timedelta(minutes=2)
STUCK_RUNNING = timedelta(minutes=30)
STALE_PREVIEW = timedelta(hours=24)


def imports_sweep(*, now: datetime) -> dict[str, int]:
    """The `attendance_imports_sweep` job: finish what a lost message or a dead worker left.

    - queued for longer than `STUCK_QUEUED` (the broker was down when it was confirmed):
      run it now;
    - running for longer than `STUCK_RUNNING` (its worker died mid-way; its single
      transaction rolled back, so nothing was written): mark it failed, delete the file;
    - previews nobody confirmed within `STALE_PREVIEW`: discard them and their files.
    """
    ran = 0
    for import_id in AttendanceImport.objects.filter(
        status=AttendanceImport.Status.QUEUED, created_at__lt=now - STUCK_QUEUED
    ).values_list("pk", flat=True)[:20]:
        ran += import_run(import_id=import_id, now=now) is not None
    stuck = 0
    for imp in AttendanceImport.objects.filter(
        status=AttendanceImport.Status.RUNNING, started_at__lt=now - STUCK_RUNNING
    ):
        _fail(imp, "The import was interrupted; nothing was written. Upload the file again.")
        _delete_file(imp)
        stuck += 1
    stale = 0
    for imp in AttendanceImport.objects.filter(
        status=AttendanceImport.Status.PREVIEW, created_at__lt=now - STALE_PREVIEW
    ):
        import_discard(imp=imp)
        stale += 1
    return {"ran": ran, "interrupted": stuck, "discarded": stale}


def import_discard(*, imp: AttendanceImport) -> None:
    """Drop an unconfirmed import and its file."""
    if imp.status == AttendanceImport.Status.PREVIEW:
        _delete_file(imp)
        _update(imp, status=AttendanceImport.Status.DISCARDED)
        imp.status = AttendanceImport.Status.DISCARDED


@transaction.atomic
def import_undo(*, imp: AttendanceImport, user, now: datetime | None = None) -> int:
    """Revert what `imp` changed (where nobody changed it since); return ledger rows written.

    Contacts the import created stay on the org's list (people are not deleted by an undo).
    Raise `AttendanceImportError` unless the import is done.
    """
    now = now or timezone.now()
    imp = (
        AttendanceImport.objects.for_org(imp.org_id)
        .select_for_update(of=("self",))
        .select_related("org")
        .get(pk=imp.pk)
    )
    if imp.status != AttendanceImport.Status.DONE:
        raise AttendanceImportError("Only a finished import can be undone.")
    run_at = imp.counts.get("run_at")
    written = attendance_undo(
        imp=imp,
        now=now,
        actor_id=getattr(user, "pk", None),
        run_at=datetime.fromisoformat(run_at) if run_at else None,
    )
    imp.status = AttendanceImport.Status.UNDONE
    imp.undone_at, imp.undone_by = now, user if getattr(user, "pk", None) else None
    imp.counts = {**imp.counts, "undo_changes": written}
    imp.save(update_fields=["status", "undone_at", "undone_by", "counts"])
    if written:
        transaction.on_commit(lambda: _announce(imp, undone=True))
    return written


def _write(
    *, imp: AttendanceImport, reading: Reading, options: dict, actor, now: datetime | None = None
) -> dict:
    """Resolve events and people and write it all; call inside a transaction."""
    now = now or timezone.now()
    org = imp.org
    parsed = reading.parsed
    skipped = list(parsed.skipped)
    event_by_key = _events(org=org, parsed=parsed, options=options, actor=actor, skipped=skipped)
    people = merge([r for r in parsed.rows if r.event_key in event_by_key])
    for row in parsed.rows:
        if row.event_key not in event_by_key:
            skipped.append((row.line, "No event of the org matches this row's event."))
    people = _names_to_emails(org=org, people=people, skipped=skipped)
    threshold = org.attended_after_minutes
    staged = stage_rows(_stage_tuples(people, event_by_key, threshold=threshold))
    counts: dict = {"rows": len(parsed.rows) + len(parsed.skipped), "staged": staged}
    counts.update(people_resolve(org_id=org.pk, now=now))
    events = list(event_by_key.values())
    past = {e.pk for e in events if e.end <= now}
    counts.update(
        attendance_apply(imp=imp, now=now, actor_id=getattr(actor, "pk", None), past_event_ids=past)
    )
    counts["skipped"] = len(skipped)
    counts["events_created"] = sum(1 for e in events if getattr(e, "_import_created", False))
    counts["format"] = parsed.format
    counts["run_at"] = now.isoformat()
    counts["_skipped"] = sorted(skipped)
    counts["_event_ids"] = sorted({e.pk for e in events})
    return counts


def _events(*, org, parsed, options: dict, actor, skipped: list) -> dict[str, Event]:
    chosen = None
    if options.get("event_id"):
        chosen = Event.objects.for_org(org).filter(pk=options["event_id"]).first()
        if chosen is None:
            raise AttendanceImportError("Choose one of the organisation's events.")
    refs = list(parsed.events.values())
    matches = events_match(org=org, refs=refs, event=chosen)
    zone = org_zone(org)
    out: dict[str, Event] = {}
    for match in matches:
        if match.event is None and options.get("create_events") and _has_days([match.ref]):
            match.event = event_create_from_file(
                org=org,
                ref=match.ref,
                zone=zone,
                actor=actor,
                fallback_title=_title(parsed),
                file_format=parsed.format,
            )
            match.event._import_created = True  # type: ignore[attr-defined]
        if match.event is not None:
            out[match.ref.key] = match.event
    if not out:
        if parsed.needs_event or not _has_days(refs):
            raise AttendanceImportError(
                "This file does not say which event it is for: choose the event."
            )
        raise AttendanceImportError(
            "No event of the organisation matches the file's events: choose one, or let "
            "the import create them."
        )
    return out


def _has_days(refs) -> bool:
    return all(r.start or r.day for r in refs) and bool(refs)


def _title(parsed) -> str:
    return f"Imported {parsed.label}"


def _names_to_emails(*, org, people: list[Person], skipped: list) -> list[Person]:
    """Give rows without an email the address of the one membership with exactly that name."""
    nameless = [p for p in people if not p.email]
    if not nameless:
        return people
    names = {p.name for p in nameless}
    found: dict[str, list[str]] = {}
    for email, name, user_name in (
        Membership.objects.for_org(org)
        .exclude(email="")
        .filter(Q(name__in=names) | Q(user__name__in=names))
        .values_list("email", "name", "user__name")
    ):
        for n in {name, user_name} & names:
            found.setdefault(n, []).append(email)
    kept = [p for p in people if p.email]
    for p in nameless:
        emails = found.get(p.name, [])
        if len(emails) == 1:
            p.email = emails[0].lower()
            kept.append(p)
        else:
            why = "nobody in the organisation" if not emails else f"{len(emails)} people"
            for line in p.lines:
                skipped.append((line, f"No email, and {why} has the name “{p.name}”."))
    return kept


def _stage_tuples(people: list[Person], event_by_key: dict[str, Event], *, threshold: int):
    for p in people:
        event = event_by_key[p.event_key]
        attended = p.attended
        if attended is None:
            if p.minutes is not None:
                attended = p.minutes >= threshold
            elif p.registered:
                attended = False
        yield (
            p.line,
            p.email,
            p.name,
            p.company,
            p.job_title,
            p.country,
            event.pk,
            attended,
            p.minutes,
            p.registered,
        )


@transaction.atomic
def import_threshold_set(*, org: Organization, minutes: int) -> Organization:
    """Set the org's "counts as attended after N minutes" (0–600) used by imports."""
    if not 0 <= minutes <= 600:
        raise AttendanceImportError("Choose between 0 and 600 minutes.")
    locked = Organization.objects.select_for_update().get(pk=org.pk)
    locked.attended_after_minutes = minutes
    locked.save(update_fields=["attended_after_minutes"])
    return locked
