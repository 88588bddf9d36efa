"""RSVPs: going / maybe / not going, with a capacity and a first-come waitlist.

Seats are counted while holding a row lock on the event (`SELECT ... FOR UPDATE`),
so two people taking the last seat at the same moment end up one going and one
waitlisted, never both going. Every write goes through `ledger.rsvp_record`.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from astn.accounts.types import User
from attendance.errors import NotAMember, RsvpClosed, RsvpError
from attendance.models import Attendance, Source
from attendance.services.ledger import rsvp_record
from attendance.services.notices import promoted_notify_on_commit
from events.models import Event
from orgs.models import Membership
from orgs.services import OrgsError, membership_join

Rsvp = Attendance.Rsvp


def rsvp_closed_reason(event: Event, *, now=None) -> str | None:
    """Return why `event` takes no RSVPs from members, or None when it does."""
    if event.status == Event.Status.DRAFT:
        return "This event is not published yet."
    if event.status == Event.Status.CANCELLED:
        return "This event was cancelled, so it takes no RSVPs."
    if event.start <= (now or timezone.now()):
        return "This event has already started; RSVPs closed at the start."
    return None


@transaction.atomic
def rsvp_set(
    *, event: Event, user: User, rsvp: str, source: str = Source.SELF, actor: User | None = None
) -> Attendance:
    """Record `user`'s answer to `event` and return their `Attendance`.

    Preconditions: `rsvp` is going, maybe or not_going; the event is published and
    has not started; `user` is a member of the event's org (status member).

    When the event is full, "going" becomes "waitlisted" (a waitlisted person who
    asks for "going" again keeps their place). When a going person changes their
    answer, the first person on the waitlist gets the seat and is told (in-app and
    by email, after commit).

    Raises RsvpClosed, NotAMember or RsvpError; nothing is written then.
    """
    if rsvp not in Attendance.MEMBER_CHOICES:
        raise RsvpError("Choose going, maybe or not going.")
    event = _lock(event.pk)
    reason = rsvp_closed_reason(event)
    if reason:
        raise RsvpClosed(reason)
    membership = Membership.objects.active().filter(org_id=event.org_id, user=user).first()
    if membership is None:
        raise NotAMember(f"Join {event.org.name} to RSVP to its events.")
    return _rsvp_locked(
        event=event, membership=membership, rsvp=rsvp, source=source, actor=actor or user
    )


@transaction.atomic
def rsvp_join_and_set(*, event: Event, user: User, rsvp: str) -> Attendance:
    """Make `user` a member of the event's org (unless they are one), then RSVP as `rsvp_set`.

    The event is checked first, so nobody joins an org through an RSVP that would
    be refused; if the RSVP fails after all, the join rolls back with it.
    Raises RsvpError (also for a join the org refuses, with its reason).
    """
    reason = rsvp_closed_reason(event)
    if reason:
        raise RsvpClosed(reason)
    if not Membership.objects.active().filter(org_id=event.org_id, user=user).exists():
        try:
            membership_join(org=event.org, user=user)
        except OrgsError as exc:
            raise RsvpError(exc.message) from None
    return rsvp_set(event=event, user=user, rsvp=rsvp)


@transaction.atomic
def waitlist_promote(*, event: Event) -> list[Attendance]:
    """Give free seats of `event` to the waitlist, first in line first; return who moved up.

    Called when a seat frees and when the capacity changes (`event_changed`). Does
    nothing for events that are not open for RSVPs. Each promoted person is told
    after commit.
    """
    return _promote_locked(_lock(event.pk))


@transaction.atomic
def rsvps_release(*, membership: Membership) -> int:
    """Withdraw `membership`'s RSVPs to events that have not started; return how many.

    For someone who left the org (or deleted their account): their seats go to the
    waitlist at once. Each becomes "not going" (source `self`) in the ledger.
    """
    event_ids = (
        Attendance.objects.filter(
            membership=membership,
            rsvp__in=Attendance.INTERESTED,
            event__status=Event.Status.PUBLISHED,
            event__start__gt=timezone.now(),
        )
        .order_by("event_id")
        .values_list("event_id", flat=True)
    )
    released = 0
    for event_id in list(event_ids):
        event = _lock(event_id)
        _rsvp_locked(
            event=event,
            membership=membership,
            rsvp=Rsvp.NOT_GOING,
            source=Source.SELF,
            actor=membership.user,
        )
        released += 1
    return released


def _lock(event_id: int) -> Event:
    # Lock only the event row (no joins), fetched fresh: the caller's copy may be stale.
    return Event.objects.select_for_update(of=("self",)).select_related("org").get(pk=event_id)


def _rsvp_locked(*, event, membership, rsvp, source, actor: User | None) -> Attendance:
    attendance, _ = Attendance.objects.get_or_create(event=event, membership=membership)
    # Keep the invariant "no free seat while anyone waits" before judging this answer.
    if any(p.pk == attendance.pk for p in _promote_locked(event)):
        attendance.refresh_from_db()
    old = attendance.rsvp
    target = rsvp
    if rsvp == Rsvp.GOING and old in (Rsvp.GOING, Rsvp.WAITLISTED):
        target = old
    elif rsvp == Rsvp.GOING and not _has_free_seat(event):
        target = Rsvp.WAITLISTED
    rsvp_record(attendance, rsvp=target, source=source, actor=actor)
    if old == Rsvp.GOING and target != Rsvp.GOING:
        _promote_locked(event)
    return attendance


def _has_free_seat(event: Event) -> bool:
    if event.capacity is None:
        return True
    return Attendance.objects.filter(event=event).going().count() < event.capacity


def _promote_locked(event: Event) -> list[Attendance]:
    if rsvp_closed_reason(event):
        return []
    waitlist = Attendance.objects.filter(event=event).waitlist()
    if event.capacity is not None:
        free = event.capacity - Attendance.objects.filter(event=event).going().count()
        if free <= 0:
            return []
        waitlist = waitlist[:free]
    promoted = list(waitlist)
    for attendance in promoted:
        rsvp_record(attendance, rsvp=Rsvp.GOING, source=Source.WAITLIST)
        promoted_notify_on_commit(attendance=attendance)
    return promoted
