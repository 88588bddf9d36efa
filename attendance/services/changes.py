"""Telling people an event they RSVPed to has moved (issue #10; docs/attendance-messages.md).

Rules:

- Material fields only: start, end, time zone, place, online / in person, online
  link. A new description or title sends nothing (calendar feeds pick those up).
- Debounced: the first change opens an `EventChangeNotice` holding the values
  from before; changes within `ASTN_EVENT_CHANGE_DEBOUNCE_SECONDS` of the last one
  join it (at most `ASTN_EVENT_CHANGE_MAX_WAIT_SECONDS` after the first). The
  `event_change_notices` job sends it, comparing with the event as it is *then*:
  five edits make one email; an edit undone in time makes none.
- Everyone going, maybe or waitlisted who is still in the org gets one email
  (key `event-changed:<notice>:<attendance>`) with an updated invitation (same UID,
  the current SEQUENCE, METHOD:REQUEST) and an in-app twin with the same key.
  Transactional: muting the org or switching off event emails does not stop it.
- A cancelled event is told by `notices.event_cancelled_notify` instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime

from astn.notifications.models import Notification
from astn.notifications.services import email_enqueue_many
from attendance.models import Attendance, EventChangeNotice
from events.ical import build_calendar, calendar_bytes
from events.models import Event
from events.services.mailing import (
    event_item,
    event_where,
    first_name,
    format_when,
    member_zone,
    zone_label,
)
from orgs.models import Membership

MATERIAL_FIELDS = frozenset({"start", "end", "timezone", "location", "is_online", "virtual_link"})
TIME_FIELDS = frozenset({"start", "end", "timezone"})
PLACE_FIELDS = frozenset({"location", "is_online"})
TEMPLATE = "attendance/email/event_changed"


def _debounce() -> timedelta:
    return timedelta(seconds=getattr(settings, "ASTN_EVENT_CHANGE_DEBOUNCE_SECONDS", 300))


def _max_wait() -> timedelta:
    return timedelta(seconds=getattr(settings, "ASTN_EVENT_CHANGE_MAX_WAIT_SECONDS", 900))


def _to_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _from_json(name: str, value: Any) -> Any:
    return parse_datetime(value) if name in ("start", "end") and value else value


@transaction.atomic
def event_change_record(
    *, event: Event, fields: frozenset[str], previous: dict[str, Any], now: datetime
) -> EventChangeNotice | None:
    """Note that `event` changed `fields` (values before: `previous`); return the open notice.

    Returns None when no material field changed or the event is not published.
    Side effects: none now; the `event_change_notices` job sends the notice once its
    debounce window has passed.
    """
    material = set(fields) & MATERIAL_FIELDS
    if not material or event.status != Event.Status.PUBLISHED:
        return None
    known_before = {name: _to_json(previous[name]) for name in material if name in previous}
    send_after = now + _debounce()
    notice = (
        EventChangeNotice.objects.select_for_update()
        .filter(event=event, sent_at__isnull=True)
        .first()
    )
    if notice is None:
        try:
            with transaction.atomic():
                return EventChangeNotice.objects.create(
                    event=event,
                    previous=known_before,
                    fields=sorted(material),
                    first_changed_at=now,
                    send_after=send_after,
                )
        except IntegrityError:  # another change of this event opened one just now
            notice = EventChangeNotice.objects.select_for_update().get(
                event=event, sent_at__isnull=True
            )
    # The oldest value wins: "was" means before the first change of the window.
    notice.previous = {**known_before, **notice.previous}
    notice.fields = sorted(set(notice.fields) | material)
    notice.send_after = min(send_after, notice.first_changed_at + _max_wait())
    notice.save(update_fields=["previous", "fields", "send_after"])
    return notice


def event_change_notices_send(*, now: datetime) -> int:
    """Send every change notice whose window has passed; return how many people were told.

    Idempotent and safe on several workers at once (notices are claimed with
    `skip_locked`, the outbox key is the backstop). Must not run inside a
    transaction: each notice commits on its own, which starts the sender.
    """
    told = 0
    while True:
        with transaction.atomic():
            notice = (
                EventChangeNotice.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True, send_after__lte=now)
                .order_by("send_after", "pk")
                .first()
            )
            if notice is None:
                return told
            told += _send(notice, now=now)


def _before(event: Event, previous: dict[str, Any]) -> Event:
    """Return an unsaved copy of the event's material values as they were (unknown: as now)."""
    values = {name: getattr(event, name) for name in MATERIAL_FIELDS}
    values.update(
        {
            name: _from_json(name, value)
            for name, value in previous.items()
            if name in MATERIAL_FIELDS
        }
    )
    return Event(org_id=event.org_id, title=event.title, **values)


def changed_fields(notice: EventChangeNotice, event: Event) -> set[str]:
    """Return the material fields that differ now from before the window (unknown: changed)."""
    before = _before(event, notice.previous)
    return {
        name
        for name in notice.fields
        if name not in notice.previous or getattr(before, name) != getattr(event, name)
    }


def _send(notice: EventChangeNotice, *, now: datetime) -> int:
    event = Event.objects.select_related("org").get(pk=notice.event_id)
    changed = changed_fields(notice, event)
    told = 0
    if changed and event.status == Event.Status.PUBLISHED and event.end > now:
        told = _tell_everyone(notice, event=event, changed=changed)
    notice.sent_at = now
    notice.sequence = event.sequence
    notice.told = told
    notice.save(update_fields=["sent_at", "sequence", "told"])
    return told


def change_lines(
    event: Event, before: Event, changed: set[str], *, zone: ZoneInfo, going: bool
) -> list[dict[str, str]]:
    """Return what changed as rows `{label, now, was}`, in the member's zone."""
    lines = []
    if changed & {"start", "end"}:
        lines.append(
            {"label": "When", "now": format_when(event, zone), "was": format_when(before, zone)}
        )
    if "timezone" in changed:
        lines.append({"label": "Time zone", "now": event.timezone, "was": before.timezone})
    if changed & PLACE_FIELDS:
        lines.append({"label": "Where", "now": event_where(event), "was": event_where(before)})
    if "virtual_link" in changed and event.is_online:
        now_link = event.virtual_link if going else "a new link, on the event page once you go"
        lines.append({"label": "Online link", "now": now_link, "was": ""})
    return lines


def _subject(event: Event, changed: set[str], *, zone: ZoneInfo) -> str:
    start = event.start.astimezone(zone)
    if changed <= TIME_FIELDS:
        return f"Time changed: {event.title} is now {format_when(event, zone).split(' (')[0]}"
    if changed <= PLACE_FIELDS:
        return f"Place changed: {event.title} is now at {event_where(event)}"
    if changed <= {"virtual_link"}:
        return f"New online link: {event.title}"
    return f"Changed: {event.title}, now {start:%a %d %b, %H:%M} · {event_where(event)}"


def _invite(event: Event, *, going: bool) -> str:
    """Return the METHOD:REQUEST invite (the online link only for people going)."""

    def show_link(_event: Event) -> bool:
        return going

    cal = build_calendar([event], name=event.title, show_online_link=show_link, method="REQUEST")
    return calendar_bytes(cal).decode()


def _tell_everyone(notice: EventChangeNotice, *, event: Event, changed: set[str]) -> int:
    attendances = (
        Attendance.objects.filter(
            event=event,
            rsvp__in=Attendance.INTERESTED,
            membership__user__is_active=True,
        )
        .exclude(membership__status=Membership.Status.LEFT)
        .select_related("membership__user__profile")
        .order_by("pk")
    )
    before = _before(event, notice.previous)
    calendars = {going: _invite(event, going=going) for going in (True, False)}
    emails, twins = [], {}
    for attendance in attendances:
        user = attendance.membership.user
        if user is None:
            continue
        going = attendance.rsvp == Attendance.Rsvp.GOING
        zone = member_zone(user)
        lines = change_lines(event, before, changed, zone=zone, going=going)
        subject = _subject(event, changed, zone=zone)
        key = f"event-changed:{notice.pk}:{attendance.pk}"
        item = event_item(event, zone=zone, show_online_link=going)
        emails.append(
            {
                "key": key,
                "to": user.email,
                "user": user,
                "subject": subject,
                "template": TEMPLATE,
                "context": {
                    "org_name": event.org.name,
                    "name": first_name(user),
                    "heading": f"{event.title} has changed",
                    "preheader": "; ".join(f"{line['label']}: {line['now']}" for line in lines),
                    "event": item,
                    "lines": lines,
                    "rsvp": attendance.rsvp,
                    "zone": zone_label(zone),
                    "action_url": item["url"],
                    "action_label": "See the event · change your RSVP",
                    "reason": "You get this because you RSVPed to this event; changes to an "
                    "event you plan to attend are always sent.",
                },
                "attachments": [
                    {
                        "filename": "invite.ics",
                        "content": calendars[going],
                        "mimetype": "text/calendar",
                    }
                ],
            }
        )
        twins[key] = Notification(
            user=user,
            kind="event.changed",
            title=subject,
            body="; ".join(
                f"{line['label']}: {line['now']}" + (f" (was {line['was']})" if line["was"] else "")
                for line in lines
            ),
            url=event.get_absolute_url(),
            key=key,
        )
    queued = [row.key for row in email_enqueue_many(emails, skip_unusable=True)]
    Notification.objects.bulk_create([twins[key] for key in queued], ignore_conflicts=True)
    return len(queued)
