"""The org-admin URLs of `attendance`, for the permission matrix in tests/orgs/."""

from tests.orgs.admin_url_inventory import AdminURL, slug_only


def _past_event(org) -> dict:
    from tests.attendance.after_event import ended_event

    return {"slug": org.slug, "event_id": ended_event(org).pk}


def _import(org, status: str = "done") -> dict:
    from attendance.models import AttendanceImport

    imp = AttendanceImport.objects.create(
        org=org, file_name="zoom.csv", file_sha256="0" * 64, status=status, format="zoom_meeting"
    )
    return {"slug": org.slug, "import_id": imp.pk}


def _import_preview(org) -> dict:
    return _import(org, status="preview")


def _import_preview_counts(org) -> dict:
    return {**_import(org, status="preview"), "digest": "0" * 20}


ADMIN_URLS = [
    AdminURL("attendance:checkin", _past_event, note="GET lists, POST marks"),
    AdminURL("attendance:checkin-walk-in", _past_event, admin_status=405, note="POST only"),
    AdminURL("attendance:event-messages", _past_event, note="GET composes, POST previews/sends"),
    AdminURL("attendance:import-list", slug_only),
    AdminURL("attendance:import-new", slug_only, note="GET form, POST uploads"),
    AdminURL("attendance:import-threshold", slug_only, admin_status=405, note="POST only"),
    AdminURL("attendance:import-detail", _import),
    AdminURL("attendance:import-preview", _import_preview, note="GET previews, POST confirms"),
    AdminURL("attendance:import-progress", _import, note="htmx partial"),
    AdminURL("attendance:import-preview-counts", _import_preview_counts, note="htmx partial"),
    AdminURL("attendance:import-skipped", _import, note="CSV download"),
    AdminURL("attendance:import-undo", _import, admin_status=405, note="POST only"),
    AdminURL("attendance:import-discard", _import_preview, admin_status=405, note="POST only"),
]
