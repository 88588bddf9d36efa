"""The org-admin URLs of `attendance`, for the permission matrix in tests/orgs/."""

from tests.orgs.admin_url_inventory import AdminURL


def _past_event(org) -> dict:
    from tests.attendance.after_event import ended_event

    return {"slug": org.slug, "event_id": ended_event(org).pk}


ADMIN_URLS = [
    AdminURL("attendance:checkin", _past_event, note="GET lists, POST marks"),
    AdminURL("attendance:checkin-walk-in", _past_event, admin_status=405, note="POST only"),
    AdminURL("attendance:event-messages", _past_event, note="GET composes, POST previews/sends"),
]
