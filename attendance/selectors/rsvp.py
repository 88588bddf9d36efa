"""Reads for attendance: seat counts, one viewer's RSVP, the waitlist, the personal feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from astn.accounts.models import Profile
from astn.accounts.types import User, Viewer
from attendance.models import Attendance
from events.models import Event
from orgs.models import Membership

# How far back the personal feed reaches: calendar apps keep what they already have.
FEED_HISTORY = timedelta(days=90)


def access_event_for_rsvp(*, slug: str, event_id: int) -> Event:
    """Return a published or cancelled event of org `slug`, or raise Http404.

    Drafts answer 404 here as on the public event page: an RSVP form never confirms
    that an unpublished event exists.
    """
    event = (
        Event.objects.visible().select_related("org").filter(org__slug=slug, pk=event_id).first()
    )
    if event is None:
        raise Http404("No such event")
    return event


def attendance_get(*, event: Event, user: Viewer) -> Attendance | None:
    """Return `user`'s attendance record for `event` (through their membership), or None."""
    if user is None or not user.is_authenticated:
        return None
    return Attendance.objects.filter(event=event, membership__user=user).first()


def going_count(event: Event) -> int:
    """Return how many people hold a seat ("going") at `event`."""
    return Attendance.objects.filter(event=event).going().count()


def going_counts(events: Iterable[Event]) -> dict[int, int]:
    """Return {event_id: people going} for `events` in one query (missing means 0)."""
    ids = [event.pk for event in events]
    rows = (
        Attendance.objects.filter(event_id__in=ids)
        .going()
        .values("event_id")
        .annotate(n=Count("pk"))
        .values_list("event_id", "n")
    )
    return dict(rows)


def seats_held(user_ids: list[int], event_ids: list[int]) -> set[tuple[int, int]]:
    """Return the (user_id, event_id) pairs among these where the user is going (one query)."""
    rows = (
        Attendance.objects.filter(event_id__in=event_ids, membership__user_id__in=user_ids)
        .going()
        .values_list("membership__user_id", "event_id")
    )
    return set(rows)


def viewer_is_going(event: Event, user: Viewer) -> bool:
    """Return True when `user` holds a seat at `event` (so they may see its online link)."""
    if user is None or not user.is_authenticated:
        return False
    return Attendance.objects.filter(event=event, membership__user=user).going().exists()


def waitlist_position(attendance: Attendance) -> int | None:
    """Return the 1-based place of `attendance` on its event's waitlist, or None if not on it."""
    if attendance.rsvp != Attendance.Rsvp.WAITLISTED:
        return None
    ahead = (
        Attendance.objects.filter(event_id=attendance.event_id)
        .waitlist()
        .filter(
            Q(waitlisted_at__lt=attendance.waitlisted_at)
            | Q(waitlisted_at=attendance.waitlisted_at, pk__lt=attendance.pk)
        )
        .count()
    )
    return ahead + 1


def profile_for_calendar_token(*, token: str) -> Profile:
    """Return the profile whose personal feed `token` names, or raise Http404."""
    profile = (
        Profile.objects.select_related("user").filter(calendar_token=token).first()
        if token
        else None
    )
    if profile is None or not profile.user.is_active:
        raise Http404("No such calendar")
    return profile


def calendar_feed_urls(*, user: User) -> dict[str, str]:
    """Return the path, full address and webcal:// address of `user`'s personal feed."""
    path = reverse("attendance:calendar-feed", kwargs={"token": user.profile.calendar_token})
    feed_url = settings.SITE_URL + path
    return {
        "feed_path": path,
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
    }


def calendar_feed_attendances(*, user: User, now=None) -> QuerySet[Attendance]:
    """Return `user`'s going/maybe records for the personal feed, soonest first.

    Events of orgs the member has left drop out; cancelled events stay (the feed
    strikes them out). Events that ended more than 90 days ago are left out.
    """
    now = now or timezone.now()
    return (
        Attendance.objects.filter(
            membership__user=user,
            membership__status=Membership.Status.MEMBER,
            rsvp__in=[Attendance.Rsvp.GOING, Attendance.Rsvp.MAYBE],
            event__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
            event__end__gte=now - FEED_HISTORY,
        )
        .select_related("event", "event__org")
        .order_by("event__start", "event_id")
    )


def upcoming_rsvps(*, user: User, limit: int = 5, now=None) -> list[Attendance]:
    """Return `user`'s next events they are going to, might go to, or wait for."""
    now = now or timezone.now()
    return list(
        Attendance.objects.filter(
            membership__user=user,
            membership__status=Membership.Status.MEMBER,
            rsvp__in=Attendance.INTERESTED,
            event__status=Event.Status.PUBLISHED,
            event__end__gte=now,
        )
        .select_related("event", "event__org")
        .order_by("event__start", "event_id")[:limit]
    )


def attendance_export_for_user(user: User) -> list[dict]:
    """Return every RSVP and attendance record of `user`, with its history, for /me/export/.

    Who else made a change is left out (another person's identity is not the
    member's data); the source says whether it was them, an admin, a sync or an import.
    """
    records = (
        Attendance.objects.filter(membership__user=user)
        .select_related("event__org")
        .prefetch_related("changes")
        .order_by("event__start", "pk")
    )
    return [
        {
            "org": a.event.org.name,
            "event": a.event.title,
            "event_start": a.event.start,
            "rsvp": a.rsvp,
            "rsvp_at": a.rsvp_at,
            "rsvp_source": a.rsvp_source,
            "waitlisted_at": a.waitlisted_at,
            "attended": a.attended,
            "attended_source": a.attended_source,
            "minutes_present": a.minutes_present,
            "rating": a.rating,
            "feedback": a.feedback,
            "prompts_sent": a.prompt_count,
            "last_prompted_at": a.last_prompted_at,
            "remind_after": a.remind_after,
            "dismissed_at": a.dismissed_at,
            # `applied: false` is an answer of theirs a more trusted record kept out.
            "history": [
                {
                    "field": c.field,
                    "old": c.old,
                    "new": c.new,
                    "source": c.source,
                    "at": c.at,
                    "applied": c.applied,
                }
                for c in a.changes.all()
            ],
        }
        for a in records
    ]
