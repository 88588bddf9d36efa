"""Reads of events, and the `access_*` fetchers that enforce who may see which event.

A draft is seen only by the org's admins; published and cancelled events by anyone
holding the link (like a Luma page), so a non-member can see the event and "Join
and RSVP". `access_*` raise Http404 both for "missing" and "not for you".
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone as dj_timezone

from astn.accounts.types import User, Viewer
from events.models import Event, SyncLog
from orgs.models import Membership, Organization
from orgs.permissions import has_org_permission, org_permission_require

# How far back the org feed reaches: recent history stays in subscribers' calendars.
FEED_HISTORY = timedelta(days=90)


def is_org_admin(*, user: Viewer, org: Organization) -> bool:
    """Whether `user` is an admin of `org` (the one check lives in `orgs.permissions`)."""
    return has_org_permission(user=user, org=org)


def access_event(*, user: Viewer, org: Organization, event_id: int) -> Event:
    """Return a visible event of `org` for a member page; drafts only for its admins."""
    event = Event.objects.for_org(org).select_related("org").filter(pk=event_id).first()
    if event is None:
        raise Http404("No such event")
    if event.is_draft and not is_org_admin(user=user, org=org):
        raise Http404("No such event")
    return event


def access_event_as_admin(*, org: Organization, event_id: int, user: Viewer | None = None) -> Event:
    """Return any event of `org`, drafts included, for someone who may manage its events.

    The permission is proven, not assumed: by `user`, or (without one) by the scope an
    org-admin view opened (`orgs.permissions.org_permission_require`).
    """
    org_permission_require(org=org, permission="events.manage", user=user)
    event = Event.objects.for_org(org).select_related("org").filter(pk=event_id).first()
    if event is None:
        raise Http404("No such event")
    return event


def event_list_upcoming(*, org: Organization) -> QuerySet[Event]:
    """Published and cancelled events of `org` that have not ended, soonest first."""
    return Event.objects.for_org(org).visible().upcoming().select_related("org").order_by("start")


def event_list_past(*, org: Organization) -> QuerySet[Event]:
    """Visible events of `org` that are over, most recent first."""
    return Event.objects.for_org(org).visible().past().select_related("org").order_by("-start")


def event_feed_list(*, org: Organization) -> QuerySet[Event]:
    """What the org's .ics feed holds: visible events that ended at most 90 days ago."""
    since = dj_timezone.now() - FEED_HISTORY
    return Event.objects.for_org(org).visible().filter(end__gte=since).select_related("org")


ADMIN_FILTERS = {
    "upcoming": "Upcoming",
    "draft": "Drafts",
    "past": "Past",
    "cancelled": "Cancelled",
    "all": "All",
}


def event_admin_list(*, org: Organization, status: str = "upcoming", query: str = "") -> QuerySet:
    """The org admin's event list, filtered by one of ADMIN_FILTERS and a title search."""
    events = Event.objects.for_org(org).select_related("org")
    now = dj_timezone.now()
    if status == "upcoming":
        events = events.filter(end__gte=now).exclude(status=Event.Status.CANCELLED)
        events = events.order_by("start")
    elif status == "draft":
        events = events.filter(status=Event.Status.DRAFT).order_by("start")
    elif status == "past":
        events = events.filter(end__lt=now).exclude(status=Event.Status.CANCELLED)
        events = events.order_by("-start")
    elif status == "cancelled":
        events = events.filter(status=Event.Status.CANCELLED).order_by("-start")
    else:
        events = events.order_by("-start")
    if query:
        events = events.filter(title__icontains=query.strip()[:100])
    return events


def event_admin_counts(*, org: Organization) -> dict[str, int]:
    """How many events each admin filter shows (one query)."""
    from django.db.models import Count, Q

    now = dj_timezone.now()
    not_cancelled = ~Q(status=Event.Status.CANCELLED)
    return Event.objects.for_org(org).aggregate(
        upcoming=Count("pk", filter=Q(end__gte=now) & not_cancelled),
        draft=Count("pk", filter=Q(status=Event.Status.DRAFT)),
        past=Count("pk", filter=Q(end__lt=now) & not_cancelled),
        cancelled=Count("pk", filter=Q(status=Event.Status.CANCELLED)),
        all=Count("pk"),
    )


def my_orgs(*, user: User) -> QuerySet[Organization]:
    """The orgs `user` is a member (or admin) of now."""
    return Organization.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.MEMBER
    )


def event_list_for_user(*, user: User, upcoming: bool = True) -> QuerySet[Event]:
    """Published/cancelled events of all the orgs `user` belongs to (upcoming or past)."""
    events = Event.objects.visible().filter(org__in=my_orgs(user=user)).select_related("org")
    if upcoming:
        return events.upcoming().order_by("start")
    return events.past().order_by("-start")


def sync_log_list(*, org: Organization, limit: int = 10) -> list[SyncLog]:
    return list(SyncLog.objects.for_org(org).select_related("triggered_by")[:limit])


def sync_log_latest(*, org: Organization, source: str) -> SyncLog | None:
    return SyncLog.objects.for_org(org).filter(source=source).first()
