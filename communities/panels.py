"""The org page's "1:1 matching" panel: the org's active communities, each with its join link."""

from __future__ import annotations

from communities.models import Community, CommunityMember


def org_page_communities_context(request, org, membership) -> dict | None:
    communities = list(Community.objects.for_org(org).active().order_by("name")[:5])
    is_admin = bool(membership is not None and membership.is_admin)
    if not communities and not is_admin:
        return None
    joined = set()
    if membership is not None:
        joined = set(
            CommunityMember.objects.filter(membership=membership, status="active").values_list(
                "community_id", flat=True
            )
        )
    return {"org": org, "communities": communities, "joined": joined, "is_admin": is_admin}


def register() -> None:
    from orgs.extensions import OrgPagePanel, org_page_panels

    org_page_panels.register(
        OrgPagePanel(
            name="communities",
            order=40,
            slot="side",
            template="communities/partials/_org_communities.html",
            context=org_page_communities_context,
        )
    )
