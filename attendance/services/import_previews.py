"""Counting what a big import would do, in the background.

A preview runs the whole import inside a transaction and rolls it back
(`imports.import_preview`), so its counts are exactly what confirming would do. For
100,000 rows that is ~4 s of a request holding row locks on the org's attendance. Files
of `INLINE_ROWS` rows or more are therefore counted by
`attendance.tasks.attendance_import_preview_task`: the result (counts, or the reason the
import could not run) is kept in the cache under a digest of the admin's choices (format,
column mapping, event options), and the preview page polls for it. The same choices are
counted once, however many tabs or reloads ask (`cache.add` claims the work).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from typing import Any

from django.core.cache import cache

from attendance.errors import AttendanceImportError, ImportFileError
from attendance.models import AttendanceImport

log = logging.getLogger(__name__)

RESULT_SECONDS = 24 * 3600  # as long as an unconfirmed preview is kept
PENDING_SECONDS = 600  # a lost task is asked for again after this


DIGEST = re.compile(r"[0-9a-f]{20}")


def preview_digest(*, imp: AttendanceImport, format: str, mapping, options: dict) -> str:
    """A short digest of the file and the admin's choices (a cache key, a URL part)."""
    choices = json.dumps(
        [imp.pk, imp.file_sha256, format, mapping, options], sort_keys=True, default=str
    )
    return hashlib.sha256(choices.encode()).hexdigest()[:20]


def is_preview_digest(text: str) -> bool:
    """Whether `text` has the shape `preview_digest` gives (e.g. from a URL)."""
    return DIGEST.fullmatch(text) is not None


def _key(import_id: int, digest: str) -> str:
    return f"attendance:import-preview:{import_id}:{digest}"


def _pending_key(import_id: int, digest: str) -> str:
    return f"{_key(import_id, digest)}:pending"


def import_preview_result(*, imp: AttendanceImport, digest: str) -> dict[str, Any] | None:
    """The counted result for these choices — `{"counts": …}` or `{"problem": "…"}` — or
    None while it is still being counted."""
    return cache.get(_key(imp.pk, digest))


def import_preview_request(
    *, imp: AttendanceImport, format: str, mapping, options: dict
) -> tuple[str, dict[str, Any] | None]:
    """Return the digest of these choices and their result if counted; otherwise queue
    the count (once) and return None for the result."""
    digest = preview_digest(imp=imp, format=format, mapping=mapping, options=options)
    result = import_preview_result(imp=imp, digest=digest)
    if result is None and cache.add(_pending_key(imp.pk, digest), 1, PENDING_SECONDS):
        from attendance.tasks import attendance_import_preview_task

        try:
            attendance_import_preview_task.delay(imp.pk, format, mapping, options)
        except Exception:
            # The broker is down: count here (slow, but the admin is not left waiting).
            log.exception("attendance import %s: could not queue the preview", imp.pk)
            import_preview_count(import_id=imp.pk, format=format, mapping=mapping, options=options)
        result = import_preview_result(imp=imp, digest=digest)  # an eager task has run
    return digest, result


def import_preview_count(*, import_id: int, format: str, mapping, options: dict) -> str:
    """Count what confirming the import with these choices would do (nothing is
    written) and keep the result; the task's body. Returns what it did."""
    from attendance.services.imports import import_preview, import_read

    imp = (
        # By id alone: the task says which, and an import knows its org.
        AttendanceImport.objects.cross_org()
        .select_related("org")
        .filter(pk=import_id, status=AttendanceImport.Status.PREVIEW)
        .first()
    )
    if imp is None:
        return "skipped"
    digest = preview_digest(imp=imp, format=format, mapping=mapping, options=options)
    try:
        reading = import_read(imp, format=format, mapping=mapping)
        counts = import_preview(imp=imp, reading=reading, options=options)
        result: dict[str, Any] = {
            "counts": {k: v for k, v in counts.items() if not k.startswith("_")}
        }
    except (ImportFileError, AttendanceImportError) as exc:
        result = {"problem": str(exc)}
    except Exception:
        log.exception("attendance import %s: preview failed", import_id)
        result = {"problem": "The file could not be counted. Try again, or upload it again."}
    cache.set(_key(imp.pk, digest), result, RESULT_SECONDS)
    cache.delete(_pending_key(imp.pk, digest))
    return "counted"
