"""lu.ma guests → RSVPs and check-ins.

lu.ma is the source of truth for the guests of a lu.ma event: its own capacity and
waitlist decide who is approved, so a sync writes lu.ma's answer as it is
(no local capacity check, no promotions). Guests are matched to memberships by
normalised email; unknown guests become `contact` memberships (source lu.ma).

A second sync with nothing changed upstream writes nothing: every write goes
through the ledger (`LedgerBatch`), which skips equal values. The writes are
set-based — one INSERT for the missing records, one UPDATE per changed field set,
one INSERT for the ledger rows — so an event's step holds its lock for milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.dateparse import parse_datetime

from astn.accounts.models import normalize_email
from attendance.models import Attendance, Source
from attendance.services.ledger import LedgerBatch
from events.models import Event
from orgs.models import Membership
from orgs.services import membership_contact_add

LUMA_APPROVAL_TO_RSVP = {
    "approved": Attendance.Rsvp.GOING,
    "declined": Attendance.Rsvp.NOT_GOING,
    "waitlist": Attendance.Rsvp.WAITLISTED,
}


@transaction.atomic
def luma_guests_sync(*, event: Event, guests: Iterable[dict]) -> dict[str, int]:
    """Apply lu.ma guest entries (`{"api_id", "guest": {...}}`) to the RSVPs of `event`.

    approved → going, declined → not going, waitlist → waitlisted (other
    statuses, such as pending approval or invited, leave the RSVP alone);
    `checked_in_at` → attended, source `luma_checkin` (unless an admin already
    said otherwise). Entries without a usable email are skipped and counted.

    Returns counters: guests, matched, contacts_created, rsvps_changed,
    checkins_recorded, skipped. Side effects: one `attendance_changed` after commit
    with every change.
    """
    event = Event.objects.select_for_update(of=("self",)).get(pk=event.pk)
    stats = dict.fromkeys(
        ("guests", "matched", "contacts_created", "rsvps_changed", "checkins_recorded", "skipped"),
        0,
    )
    rows = [_guest_row(entry) for entry in guests]
    emails = {row["email"] for row in rows if row}
    memberships = {
        normalize_email(m.email): m
        for m in Membership.objects.filter(org_id=event.org_id)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
    }
    # A member who changed their account's address since joining: the membership keeps
    # the old one, lu.ma has the new one. Matched by the account, not made a contact.
    for m in (
        Membership.objects.filter(org_id=event.org_id, user__isnull=False)
        .annotate(account_email=Lower("user__email"))
        .filter(account_email__in=emails - memberships.keys())
    ):
        memberships.setdefault(normalize_email(m.account_email), m)
    attendances = {
        a.membership_id: a
        for a in Attendance.objects.select_for_update(of=("self",)).filter(
            event=event, membership__in=memberships.values()
        )
    }
    wanted = []
    for row in rows:
        stats["guests"] += 1
        if row is None or (row["rsvp"] is None and row["checked_in_at"] is None):
            stats["skipped"] += 1
            continue
        membership = memberships.get(row["email"])
        if membership is None:
            membership = membership_contact_add(
                org=event.org, email=row["email"], name=row["name"], source=Membership.Source.LUMA
            )
            memberships[row["email"]] = membership
            stats["contacts_created"] += 1
        else:
            stats["matched"] += 1
        wanted.append((membership, row))
    # The records nobody had yet: one INSERT, then one SELECT (locked) for their rows.
    missing = {m.pk for m, _ in wanted if m.pk not in attendances}
    if missing:
        Attendance.objects.bulk_create(
            [Attendance(event=event, membership_id=pk) for pk in missing], ignore_conflicts=True
        )
        attendances.update(
            (a.membership_id, a)
            for a in Attendance.objects.select_for_update(of=("self",)).filter(
                event=event, membership_id__in=missing
            )
        )
    batch = LedgerBatch()
    for membership, row in wanted:
        attendance = attendances[membership.pk]
        if row["rsvp"] and batch.rsvp(attendance, rsvp=row["rsvp"], source=Source.LUMA):
            stats["rsvps_changed"] += 1
        if row["checked_in_at"] and batch.attended(
            attendance, attended=True, source=Source.LUMA_CHECKIN, at=row["checked_in_at"]
        ):
            stats["checkins_recorded"] += 1
    batch.write()
    return stats


def _guest_row(entry: dict) -> dict | None:
    """Return the fields we use from one guest entry, or None when it has no valid email."""
    guest = entry.get("guest") if isinstance(entry, dict) else None
    if not isinstance(guest, dict):
        return None
    email = normalize_email(str(guest.get("email") or guest.get("user_email") or ""))
    try:
        validate_email(email)
    except ValidationError:
        return None
    # Postgres refuses NUL in any string: one odd name must not fail the event's sync.
    name = str(guest.get("name") or guest.get("user_name") or "").replace("\x00", "")[:150]
    return {
        "email": email,
        "name": name,
        "rsvp": LUMA_APPROVAL_TO_RSVP.get(str(guest.get("approval_status") or "")),
        "checked_in_at": _parse_time(guest.get("checked_in_at")),
    }


def _parse_time(value) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return parse_datetime(value.replace("Z", "+00:00"))
    except ValueError:
        return None
