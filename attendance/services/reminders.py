"""Event reminders: 1 day and 1 hour before, to the people going or maybe going.

Rules (docs/notifications.md, "Who gets what"):

- Reminded: RSVPs `going` or `maybe` of members (status `member`, active
  account) who have not muted the org, at each offset switched on in their
  settings (`remind_day_before`, `remind_hour_before`). Published events only:
  a cancelled event sends nothing. The event mode (`all | weekly | none`) is
  about new events and does not silence reminders.
- "1 day before" is 24 hours before the aware start, not "the same wall-clock
  time the day before": across a DST change the two differ by an hour.
- Due windows: the 1-day reminder from 24 h to 1 h before the start, the 1-hour
  reminder in the last hour. A late run still sends within its window, never
  after the start, and never the 1-day text an hour before.
- An offset that had already passed when the RSVP was made is skipped (no
  "tomorrow!" email to someone who signed up an hour before).
- Once per start time: key `reminder:<attendance>:<1d|1h>:<start epoch>`; the in-app
  twin has the same key. An event that moves is reminded for its new time, even
  when a reminder went out for the old one.

Set-based: the due rows are selected in SQL (the outbox key is checked with
`NOT EXISTS`), claimed in batches with `SELECT ... FOR NO KEY UPDATE SKIP
LOCKED` and walked by primary key, so two workers split the work and neither
loops on a row it cannot send. The unique outbox key is the backstop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import BigIntegerField, CharField, Exists, F, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Concat, Extract, Floor

from astn.notifications.models import Notification, OutboundEmail
from astn.notifications.services import email_enqueue_many
from attendance.models import Attendance
from events.ical import build_calendar, calendar_bytes
from events.models import Event
from events.services.mailing import (
    day_label,
    event_item,
    first_name,
    member_zone,
    zone_label,
)
from orgs.models import Membership

BATCH_SIZE = 500
TEMPLATE = "attendance/email/reminder"


@dataclass(frozen=True)
class Offset:
    code: str  # in the key: reminder:<attendance>:<code>
    before: timedelta  # how long before the start it is due
    until: timedelta  # it is no longer sent this close to the start
    setting: str  # the NotificationSettings flag that switches it on
    kind: str  # the in-app notification kind


DAY = Offset("1d", timedelta(days=1), timedelta(hours=1), "remind_day_before", "reminder.day")
HOUR = Offset("1h", timedelta(hours=1), timedelta(0), "remind_hour_before", "reminder.hour")
OFFSETS = (DAY, HOUR)


def reminder_key(*, attendance_id: int, offset: Offset, start: datetime) -> str:
    """Return the reminder's outbox key; it names the start, so a moved event is reminded again."""
    return f"reminder:{attendance_id}:{offset.code}:{int(start.timestamp())}"


def reminders_due(*, now: datetime, offset: Offset) -> QuerySet[Attendance]:
    """Return the RSVPs whose `offset` reminder is due at `now` and not yet queued."""
    # The start as whole seconds since the epoch, as `reminder_key` writes it.
    start_epoch = Cast(
        Floor(Extract(OuterRef("event__start"), "epoch", tzinfo=UTC)), BigIntegerField()
    )
    key = Concat(
        Value("reminder:"),
        Cast(OuterRef("pk"), CharField()),
        Value(f":{offset.code}:"),
        Cast(start_epoch, CharField()),
    )
    return (
        Attendance.objects.filter(
            rsvp__in=[Attendance.Rsvp.GOING, Attendance.Rsvp.MAYBE],
            event__status=Event.Status.PUBLISHED,
            event__start__gt=now + offset.until,
            event__start__lte=now + offset.before,
            membership__status=Membership.Status.MEMBER,
            membership__muted=False,
            membership__user__is_active=True,
            **{f"membership__user__notification_settings__{offset.setting}": True},
        )
        .alias(answered_at=Coalesce("rsvp_at", "created_at"))
        .filter(answered_at__lte=F("event__start") - offset.before)
        .exclude(Exists(OutboundEmail.objects.filter(key=key)))
    )


def reminders_send(*, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Queue every reminder due at `now` (email with .ics + in-app); return how many were queued.

    Idempotent, and safe on any number of workers at once. Must not run inside a
    transaction: each batch commits, which starts the sender.
    """
    queued = 0
    calendars: dict[tuple[int, bool], str] = {}
    for offset in OFFSETS:
        last_pk = 0
        while True:
            with transaction.atomic():
                batch = list(
                    reminders_due(now=now, offset=offset)
                    .filter(pk__gt=last_pk)
                    .select_related("event__org", "membership__user__profile")
                    .select_for_update(skip_locked=True, no_key=True, of=("self",))
                    .order_by("pk")[:batch_size]
                )
                if not batch:
                    break
                last_pk = batch[-1].pk
                queued += _remind(batch, offset=offset, now=now, calendars=calendars)
    return queued


def _calendar(event: Event, *, going: bool, calendars: dict) -> str:
    """Return the .ics of one event (with the online link only for people going), cached."""
    cache_key = (event.pk, going)
    if cache_key not in calendars:
        cal = build_calendar([event], name=event.title, show_online_link=lambda _e: going)
        calendars[cache_key] = calendar_bytes(cal).decode()
    return calendars[cache_key]


def _remind(batch: list[Attendance], *, offset: Offset, now: datetime, calendars: dict) -> int:
    """Queue the emails and in-app twins of one claimed batch; return how many were new."""
    emails, twins = [], {}
    items: dict[tuple[int, str, bool], dict] = {}  # one per event, zone and RSVP kind
    for attendance in batch:
        event, user = attendance.event, attendance.membership.user
        if user is None:  # `reminders_due` excludes these; narrows the type
            continue
        going = attendance.rsvp == Attendance.Rsvp.GOING
        zone = member_zone(user)
        item_key = (event.pk, zone.key, going)
        if item_key not in items:
            items[item_key] = event_item(event, zone=zone, show_online_link=going)
        item = items[item_key]
        start = event.start.astimezone(zone)
        day = day_label(start, today=now.astimezone(zone).date())
        subject = f"Reminder: {event.title} {day} at {start:%H:%M}"
        key = reminder_key(attendance_id=attendance.pk, offset=offset, start=event.start)
        emails.append(
            {
                "key": key,
                "to": user.email,
                "user": user,
                "category": "reminders",
                "subject": subject,
                "template": TEMPLATE,
                "context": {
                    "org_name": event.org.name,
                    "name": first_name(user),
                    "heading": f"{event.title} is {day} at {start:%H:%M}",
                    "preheader": f"{item['when']} · {item['where']}",
                    "event": item,
                    "rsvp": attendance.rsvp,
                    "offset": offset.code,
                    "zone": zone_label(zone),
                    "is_online": event.is_online,
                    "action_url": item["url"],
                    "action_label": "Event page · change your RSVP",
                },
                "attachments": [
                    {
                        "filename": "event.ics",
                        "content": _calendar(event, going=going, calendars=calendars),
                        "mimetype": "text/calendar",
                    }
                ],
            }
        )
        twins[key] = Notification(
            user=user,
            kind=offset.kind,
            title=subject,
            body=f"{item['when']} · {item['where']}",
            url=event.get_absolute_url(),
            key=key,
        )
    queued = [row.key for row in email_enqueue_many(emails, skip_unusable=True)]
    # The in-app twin exists exactly when this run queued the email (not another worker).
    Notification.objects.bulk_create([twins[key] for key in queued], ignore_conflicts=True)
    return len(queued)
