"""Reads for orgs, and the `access_*` fetchers every org-scoped view goes through.

`access_*` functions raise Http404 both when the thing does not exist and when the
user may not see it, so a page never confirms what exists (as Zulip's
`access_stream_by_id`).
"""

from __future__ import annotations

from django.http import Http404

from orgs.models import Membership, Organization


def membership_get(*, user, org: Organization) -> Membership | None:
    """Return the user's membership row in `org` (any status), or None."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(org=org, user=user).first()


def access_org(*, slug: str) -> Organization:
    """Return the org for a public page (any org a visitor holds a link to)."""
    try:
        return Organization.objects.get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404("No such organisation") from None


def access_org_as_admin(*, user, slug: str) -> tuple[Organization, Membership]:
    """Return (org, the admin's membership) or raise Http404 for anyone not an admin of it."""
    if not user.is_authenticated:
        raise Http404("No such organisation")
    membership = (
        Membership.objects.select_related("org")
        .filter(
            org__slug=slug,
            user=user,
            role=Membership.Role.ADMIN,
            status=Membership.Status.MEMBER,
        )
        .first()
    )
    if membership is None:
        raise Http404("No such organisation")
    return membership.org, membership
