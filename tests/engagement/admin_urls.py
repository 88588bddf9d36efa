"""The org-admin URLs of `engagement`, for the permission matrix in tests/orgs/."""

from tests.orgs.admin_url_inventory import AdminURL, slug_only


def _membership(org) -> dict:
    from tests.factories.orgs import MembershipFactory

    return {"slug": org.slug, "membership_id": MembershipFactory(org=org).pk}


ADMIN_URLS = [
    AdminURL("engagement:admin", slug_only),
    AdminURL("engagement:recompute", slug_only, admin_status=405, note="POST only"),
    AdminURL("engagement:recompute-status", slug_only),
    AdminURL("engagement:member", _membership),
    AdminURL("engagement:override", _membership, note="GET shows the dialog, POST sets"),
    AdminURL("engagement:override-clear", _membership, note="GET confirms, POST clears"),
]
