"""The org-admin URLs of `events`, for the permission matrix in tests/orgs/."""

from tests.orgs.admin_url_inventory import AdminURL, slug_only


def _event(org) -> dict:
    from tests.factories.events import EventFactory

    return {"slug": org.slug, "event_id": EventFactory(org=org).pk}


ADMIN_URLS = [
    AdminURL("events:admin-list", slug_only),
    AdminURL("events:admin-create", slug_only),
    AdminURL("events:admin-edit", _event),
    AdminURL("events:admin-publish", _event, admin_status=405, note="POST only"),
    AdminURL("events:admin-cancel", _event, note="GET asks to confirm, POST cancels"),
    AdminURL("events:admin-duplicate", _event),
    AdminURL("events:settings-luma", slug_only, admin_status=405, note="POST only"),
    AdminURL("events:settings-ical", slug_only, admin_status=405, note="POST only"),
    AdminURL("events:settings-sync", slug_only, admin_status=405, note="POST only"),
]
