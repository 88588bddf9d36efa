"""The org-admin URLs of `communities`, for the permission matrix in tests/orgs/."""

from tests.orgs.admin_url_inventory import AdminURL, slug_only


def _community(org) -> dict:
    from tests.factories.communities import CommunityFactory

    return {"slug": org.slug, "community_id": CommunityFactory(org=org).pk}


def _round(org) -> dict:
    from tests.factories.communities import RoundFactory

    round_ = RoundFactory(community__org=org)
    return {"slug": org.slug, "community_id": round_.community_id, "round_id": round_.pk}


def _match(org) -> dict:
    from communities.models import Match
    from tests.factories.communities import RoundFactory

    round_ = RoundFactory(community__org=org)
    match = Match.objects.create(round=round_, ics_uid=f"test-{round_.pk}@astn")
    return {"slug": org.slug, "community_id": round_.community_id, "match_id": match.pk}


ADMIN_URLS = [
    AdminURL("communities:admin-list", slug_only),
    AdminURL("communities:admin-create", slug_only),
    AdminURL("communities:admin-detail", _community),
    AdminURL("communities:admin-edit", _community),
    AdminURL("communities:admin-round-open", _community, admin_status=405, note="POST only"),
    AdminURL("communities:admin-round", _round),
    AdminURL("communities:admin-round-extend", _round, admin_status=405, note="POST only"),
    AdminURL("communities:admin-round-close", _round, admin_status=405, note="POST only"),
    AdminURL("communities:admin-round-match", _round, admin_status=405, note="POST only"),
    AdminURL("communities:admin-match-reschedule", _match, admin_status=405, note="POST only"),
    AdminURL("communities:admin-match-drop", _match, admin_status=405, note="POST only"),
]
