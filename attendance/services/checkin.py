"""The check-in list: admins mark who came (one or many) and add walk-ins.

Admin marks use ledger source `admin`, the most trusted: they overwrite
self-reports, imports and lu.ma check-ins, and settle the conflicts the list
shows (a self-report that disagreed with a more trusted value).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from astn.accounts.models import normalize_email
from astn.accounts.types import User
from attendance.errors import CheckinError
from attendance.models import Attendance, AttendanceChange, Source
from attendance.services.ledger import LedgerBatch, attended_record
from events.models import Event
from orgs.models import Membership
from orgs.services import OrgsError, membership_contact_add

# People arrive early; the list opens on the day of the event.
CHECKIN_OPENS_BEFORE = timedelta(hours=24)
MAX_BULK = 2000


@dataclass(frozen=True)
class WalkIn:
    attendance: Attendance
    # A new `contact` membership was made for an email the org did not know.
    new_contact: bool
    # They were already recorded as attending (by anyone): nothing changed.
    already_there: bool


def checkin_closed_reason(event: Event, *, now: datetime | None = None) -> str | None:
    """Return why nobody can be checked in to `event` now, or None if they can."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return "This event was cancelled, so there is no one to check in."
    if event.status != Event.Status.PUBLISHED:
        return "Publish the event first: the check-in list opens for published events."
    if event.start - now > CHECKIN_OPENS_BEFORE:
        return "The check-in list opens on the day of the event."
    return None


def _settle_conflicts(attendance: Attendance, *, actor: User | None, now: datetime) -> int:
    return (
        AttendanceChange.objects.filter(attendance=attendance)
        .open_conflicts()
        .update(settled_at=now, settled_by=actor if getattr(actor, "pk", None) else None)
    )


@transaction.atomic
def checkin_mark(
    *,
    event: Event,
    attendance_ids: Iterable[int],
    attended: bool | None,
    actor: User | None,
    now: datetime | None = None,
) -> int:
    """Mark the people `attendance_ids` of `event` as attended (True), no-show (False) or unknown.

    Ids of other events are ignored (the list is scoped to `event`, hence to its org).
    Settles open conflicts of those people. Return how many records were marked.
    Raise `CheckinError` when nobody is selected or the event takes no check-ins.
    """
    now = now or timezone.now()
    reason = checkin_closed_reason(event, now=now)
    if reason:
        raise CheckinError(reason)
    ids = sorted({int(i) for i in attendance_ids})[:MAX_BULK]
    if not ids:
        raise CheckinError("Select at least one person first.")
    rows = list(Attendance.objects.select_for_update(of=("self",)).filter(event=event, pk__in=ids))
    # Set-based: one UPDATE of the records, one INSERT of the ledger, one UPDATE settling
    # conflicts — marking 2,000 people is a handful of statements, not 6,000.
    batch = LedgerBatch(now=now)
    for attendance in rows:
        batch.attended(attendance, attended=attended, source=Source.ADMIN, actor=actor)
    batch.write()
    AttendanceChange.objects.filter(attendance__in=rows).open_conflicts().update(
        settled_at=now, settled_by=actor if getattr(actor, "pk", None) else None
    )
    return len(rows)


@transaction.atomic
def checkin_walk_in(
    *, event: Event, email: str, name: str = "", actor: User | None, now: datetime | None = None
) -> WalkIn:
    """Record that the person with `email` came to `event`, whether or not they RSVPed.

    A known email (a member, contact or former member of the org) gets its record; an
    unknown one becomes a `contact` membership of the org (source `admin`). Raise
    `CheckinError` for a malformed email or an event that takes no check-ins.
    """
    now = now or timezone.now()
    reason = checkin_closed_reason(event, now=now)
    if reason:
        raise CheckinError(reason)
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise CheckinError(
            f"“{email or ' '}” is not an email address. Check it for typos "
            "(it needs one @ and a domain, like name@example.org)."
        ) from None
    membership = (
        Membership.objects.filter(org=event.org)
        .filter(Q(email__iexact=email) | Q(user__email__iexact=email))
        .order_by("pk")
        .first()
    )
    new_contact = membership is None
    if membership is None:
        try:
            membership = membership_contact_add(
                org=event.org, email=email, name=name[:150], source=Membership.Source.ADMIN
            )
        except OrgsError as exc:
            raise CheckinError(str(exc)) from None
    attendance, _ = Attendance.objects.get_or_create(event=event, membership=membership)
    attendance = Attendance.objects.select_for_update(of=("self",)).get(pk=attendance.pk)
    already_there = attendance.attended is True
    attended_record(attendance, attended=True, source=Source.ADMIN, actor=actor, now=now)
    _settle_conflicts(attendance, actor=actor, now=now)
    return WalkIn(attendance=attendance, new_contact=new_contact, already_there=already_there)
