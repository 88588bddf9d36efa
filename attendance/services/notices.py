"""Telling people about their RSVPs: a seat from the waitlist, a cancelled event.

Each notice is an in-app notification plus an email through the outbox, both
with an idempotency key, so running a notice twice tells nobody twice.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.formats import date_format

from astn.accounts.types import User
from astn.notifications.services import email_enqueue, notification_create
from attendance.models import Attendance
from events.ical import build_calendar, calendar_bytes
from events.models import Event
from events.services.mailing import zone_label


def promoted_notify_on_commit(*, attendance: Attendance) -> None:
    """After commit, tell the member behind `attendance` they moved up from the waitlist."""
    attendance_id = attendance.pk
    transaction.on_commit(lambda: waitlist_promotion_notify(attendance_id=attendance_id))


@transaction.atomic
def waitlist_promotion_notify(*, attendance_id: int) -> None:
    """Tell the member of attendance `attendance_id` that they have a seat now.

    Does nothing when the record is gone, is no longer "going", or belongs to a
    contact without an account.
    """
    attendance = (
        Attendance.objects.select_related("event__org", "membership__user")
        .filter(pk=attendance_id, rsvp=Attendance.Rsvp.GOING)
        .first()
    )
    if attendance is None or attendance.membership.user is None:
        return
    event, user = attendance.event, attendance.membership.user
    # The key names this promotion (its ledger row), so a later demote-and-promote tells again.
    change = attendance.changes.filter(field="rsvp", new="going").order_by("-at", "-pk").first()
    key = f"waitlist-promoted:{attendance.pk}:{change.pk if change else 0}"
    _tell(
        user=user,
        event=event,
        key=key,
        kind="event.waitlist_promoted",
        title=f"You have a seat at {event.title}",
        body="A seat freed up and you were next on the waitlist, so you are now going.",
        template="attendance/email/waitlist_promoted",
    )


@transaction.atomic
def event_cancelled_notify(*, event_id: int, reason: str = "") -> int:
    """Tell everyone going, maybe or waitlisted for event `event_id` that it is cancelled.

    Returns how many people were told now (people told before are not told again:
    the key is `event-cancelled:<event>:<attendance>`).
    """
    event = Event.objects.select_related("org").get(pk=event_id)
    told = 0
    attendances = (
        Attendance.objects.filter(event=event, membership__user__isnull=False)
        .rsvped()
        .select_related("membership__user")
    )
    body = reason or f"{event.org.name} cancelled this event."
    # METHOD:CANCEL with the same UID and the bumped SEQUENCE: calendars strike it out.
    cancellation = {
        "filename": "cancel.ics",
        "content": calendar_bytes(
            build_calendar([event], name=event.title, method="CANCEL")
        ).decode(),
        "mimetype": "text/calendar",
    }
    for attendance in attendances:
        told += _tell(
            user=attendance.membership.user,
            event=event,
            key=f"event-cancelled:{event.pk}:{attendance.pk}",
            kind="event.cancelled",
            title=f"Cancelled: {event.title}",
            body=body,
            template="attendance/email/event_cancelled",
            attachments=[cancellation],
        )
    return told


def _tell(
    *,
    user: User,
    event: Event,
    key: str,
    kind: str,
    title: str,
    body: str,
    template: str,
    attachments: list[dict] | None = None,
) -> bool:
    """Notify `user` in-app and by email under one idempotency key; False if told before."""
    notification = notification_create(
        user=user, kind=kind, title=title, body=body, url=event.get_absolute_url(), key=key
    )
    email = email_enqueue(
        key=key,
        to=user.email,
        user=user,
        subject=title,
        template=template,
        context={**_event_context(event, user=user), "reason": body},
        attachments=attachments,
    )
    return notification is not None or email is not None


def _event_context(event: Event, *, user: User) -> dict:
    """Return the email context: plain JSON values, times already in the member's zone."""
    zone_name = getattr(getattr(user, "profile", None), "timezone", "") or event.timezone
    start = event.start.astimezone(ZoneInfo(zone_name))
    return {
        "name": user.name or user.email,
        "event_title": event.title,
        "org_name": event.org.name,
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        "when": f"{date_format(start, 'l j F Y, H:i')} ({zone_label(ZoneInfo(zone_name))})",
    }


def event_email_context(event: Event, *, user: User) -> dict:
    """Return the common email context for `event` sent to `user` (times in their zone)."""
    return _event_context(event, user=user)
