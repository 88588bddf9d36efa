"""Reads for a member's answers after events: the signed link, pending questions, history.

(`attendance.selectors.rsvp` holds the RSVP-side reads; this module the after-the-event ones.)
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from astn.accounts.types import User, Viewer
from astn.notifications import links
from attendance.errors import LinkRevoked as LinkRevoked
from attendance.models import Attendance
from attendance.services.prompts import LINK_PURPOSE
from events.models import Event
from orgs.models import Membership

# The dashboard asks about events that ended at most this long ago.
PENDING_REACH = timedelta(days=14)


def attendance_for_token(*, token: str) -> Attendance:
    """Return the attendance a signed `/a/<token>/` link authorises, re-checked in the database.

    Raise `LinkExpired` / `LinkInvalid` for a token that is old, tampered with or
    made for another purpose, and `LinkRevoked` when the record is gone, belongs to
    another membership now, or the membership has left, been anonymised or lost its
    account (removing someone revokes their links).
    """
    payload = links.read_token(LINK_PURPOSE, token)
    attendance_id, membership_id = payload.get("a"), payload.get("m")
    if not isinstance(attendance_id, int) or not isinstance(membership_id, int):
        raise links.LinkInvalid()
    attendance = (
        Attendance.objects.select_related("event__org", "membership__user")
        .filter(pk=attendance_id, membership_id=membership_id)
        .first()
    )
    if attendance is None:
        raise LinkRevoked()
    membership = attendance.membership
    if (
        membership.status == Membership.Status.LEFT
        or membership.anonymised_at is not None
        or membership.user is None
        or not membership.user.is_active
    ):
        raise LinkRevoked(
            f"This link no longer works: you are no longer on the list of {membership.org.name}."
        )
    return attendance


def pending_answers(*, user: User, now: datetime | None = None, limit: int = 5) -> list[Attendance]:
    """Return `user`'s recent events still waiting for "Did you attend?", most recent first.

    Events that ended in the last 14 days that they RSVPed going or maybe to, with no
    answer, not dismissed and not deferred ("remind me later") into the future.
    """
    now = now or timezone.now()
    return list(
        Attendance.objects.filter(
            membership__user=user,
            membership__status=Membership.Status.MEMBER,
            rsvp__in=[Attendance.Rsvp.GOING, Attendance.Rsvp.MAYBE],
            attended__isnull=True,
            dismissed_at__isnull=True,
            event__status=Event.Status.PUBLISHED,
            event__end__lte=now,
            event__end__gt=now - PENDING_REACH,
        )
        .filter(Q(remind_after__isnull=True) | Q(remind_after__lte=now))
        .select_related("event__org")
        .order_by("-event__end", "-pk")[:limit]
    )


def my_attendance_history(*, user: User) -> QuerySet[Attendance]:
    """Return every event `user` RSVPed to or attended, across their orgs, newest first.

    Orgs they have left are included: it is their history.
    """
    return (
        Attendance.objects.filter(membership__user=user)
        .filter(~Q(rsvp=Attendance.Rsvp.NONE) | Q(attended__isnull=False))
        .exclude(event__status=Event.Status.DRAFT)
        .select_related("event__org")
        .annotate(
            open_conflicts=Count(
                "changes", filter=Q(changes__applied=False, changes__settled_at__isnull=True)
            )
        )
        .order_by("-event__start", "-pk")
    )


def access_my_attendance(*, user: Viewer, attendance_id: int) -> Attendance:
    """Return `user`'s own attendance `attendance_id`, or raise Http404 (also for others')."""
    attendance = (
        Attendance.objects.select_related("event__org", "membership")
        .filter(pk=attendance_id, membership__user=user)
        .exclude(event__status=Event.Status.DRAFT)
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if attendance is None:
        raise Http404("No such attendance")
    return attendance
