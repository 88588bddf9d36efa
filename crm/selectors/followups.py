"""Reads for follow-ups: an admin's open ones (dashboard), a member's (timeline)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Window
from django.shortcuts import get_object_or_404

from crm.models import FollowUp
from orgs.models import Membership, Organization


def access_followup(*, org: Organization, followup_id: int) -> FollowUp:
    return get_object_or_404(FollowUp.objects.for_org(org), pk=followup_id)


def followup_list(*, org: Organization, status: str = "open", mine_for=None) -> QuerySet[FollowUp]:
    followups = FollowUp.objects.for_org(org).select_related("membership__user", "assignee")
    if status in FollowUp.Status.values:
        followups = followups.filter(status=status)
    if mine_for is not None:
        followups = followups.filter(assignee=mine_for)
    return followups.order_by("due_on", "-created_at")


@dataclass(frozen=True)
class OpenFollowUps:
    items: list[FollowUp]  # the first few, soonest due first
    total: int  # all of them


def open_followups_for_admin(*, org: Organization, user, limit: int = 10) -> OpenFollowUps:
    """Open follow-ups assigned to `user` (or to nobody) in `org`: the first `limit`,
    soonest due first, each row carrying how many there are in all (one query)."""
    items = list(
        FollowUp.objects.for_org(org)
        .open()
        .filter(Q(assignee=user) | Q(assignee__isnull=True))
        .select_related("membership__user")
        .only(
            "kind", "due_on", *(f"membership__{field}" for field in Membership.DISPLAY_NAME_FIELDS)
        )
        .annotate(total=Window(Count("*")))
        .order_by("due_on", "-created_at")[:limit]
    )
    return OpenFollowUps(items=items, total=items[0].total if items else 0)


def followup_timeline_entries(*, org, membership, before, limit):
    """`crm.timeline` source: this member's follow-ups (created, and closed)."""
    from django.urls import reverse

    from crm.timeline import Entry

    followups = FollowUp.objects.for_org(org).filter(membership=membership)
    if before is not None:
        followups = followups.filter(created_at__lt=before)
    url = reverse("crm:followup-list", kwargs={"slug": org.slug})
    entries = []
    for followup in followups.select_related("assignee").order_by("-created_at")[:limit]:
        detail = followup.note[:200]
        if followup.due_on:
            detail = f"Due {followup.due_on:%d %b %Y}. " + detail
        entries.append(
            Entry(
                at=followup.created_at,
                kind="crm.followup",
                icon="flag",
                title=f"{followup.get_kind_display()} follow-up"
                + (f" for {followup.assignee}" if followup.assignee else ""),
                detail=detail,
                badge=followup.get_status_display(),
                url=url,
                tone="warning" if followup.status == FollowUp.Status.OPEN else "secondary",
            )
        )
    return entries
