"""Organiser messages to a segment of an event's people (issue #10; docs/attendance-messages.md).

One `EventMessage` row records what was sent, by whom, to which segment and how
many; each recipient gets one email through the outbox (key
`event-message:<message>:<attendance>`) and an in-app twin. Going and waitlisted
messages are transactional (about the seat they hold: not stopped by muting or
event-email settings); every message reaches only people still in the org.
Limited to `ASTN_EVENT_MESSAGES_PER_HOUR` per org.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from astn.notifications.models import Notification
from astn.notifications.services import email_enqueue_many
from attendance.errors import EventMessageError
from attendance.models import EventMessage
from attendance.selectors.messages import message_recipients, segments_for
from events.markup import markdown_to_text, render_markdown
from events.models import Event
from events.services.mailing import event_item, first_name, member_zone
from orgs.models import Organization

TEMPLATE = "attendance/email/event_message"
MAX_SUBJECT = 150
MAX_BODY = 10000


def messages_per_hour() -> int:
    return getattr(settings, "ASTN_EVENT_MESSAGES_PER_HOUR", 10)


@transaction.atomic
def event_message_send(
    *, event: Event, sender, segment: str, subject: str, body: str, now: datetime
) -> EventMessage:
    """Send `subject` / `body` (markdown) to everyone in `segment` of `event`; record it.

    Preconditions: `sender` is an admin of the event's org (the view checked).
    Side effects: one outbox email and one in-app notification per recipient,
    sent after commit. Raises `EventMessageError` for an empty subject or body, a
    segment that does not apply, nobody to send to, a draft event, or an org over
    its hourly limit.
    """
    subject, body = " ".join(subject.split()), body.strip()
    if not subject:
        raise EventMessageError("Give the message a subject.", field="subject")
    if len(subject) > MAX_SUBJECT:
        raise EventMessageError(
            f"Keep the subject under {MAX_SUBJECT} characters.", field="subject"
        )
    if not body:
        raise EventMessageError("Write the message.", field="body")
    if len(body) > MAX_BODY:
        raise EventMessageError(f"Keep the message under {MAX_BODY} characters.", field="body")
    if event.status == Event.Status.DRAFT:
        raise EventMessageError("Publish the event before messaging its guests.")
    if segment not in segments_for(event):
        raise EventMessageError("Choose who gets the message.", field="segment")
    # The org row lock serialises two admins sending at once, so the limit holds.
    Organization.objects.select_for_update().filter(pk=event.org_id).first()
    recent = EventMessage.objects.filter(
        event__org_id=event.org_id, sent_at__gt=now - timedelta(hours=1)
    ).count()
    if recent >= messages_per_hour():
        raise EventMessageError(
            f"Your org has sent {recent} messages in the last hour, the most allowed. "
            "Try again later, or put several things in one message."
        )
    recipients = list(
        message_recipients(event=event, segment=segment)
        .select_related("membership__user__profile")
        .order_by("pk")
    )
    if not recipients:
        raise EventMessageError("Nobody is in that group yet, so there is no one to send to.")
    message = EventMessage.objects.create(
        event=event,
        sender=sender,
        segment=segment,
        subject=subject,
        body=body,
        recipient_count=len(recipients),
        sent_at=now,
    )
    _enqueue(message, event=event, recipients=recipients, sender=sender)
    return message


def _enqueue(message: EventMessage, *, event: Event, recipients: list, sender) -> None:
    body_html = str(render_markdown(message.body))
    body_text = markdown_to_text(message.body)
    sender_name = (getattr(sender, "name", "") or "").strip() or event.org.name
    headers = {"Reply-To": sender.email} if getattr(sender, "email", "") else {}
    emails, twins = [], {}
    for attendance in recipients:
        user = attendance.membership.user
        item = event_item(event, zone=member_zone(user))
        key = f"event-message:{message.pk}:{attendance.pk}"
        emails.append(
            {
                "key": key,
                "to": user.email,
                "user": user,
                "subject": message.subject,
                "template": TEMPLATE,
                "headers": headers,
                "context": {
                    "org_name": event.org.name,
                    "name": first_name(user),
                    "heading": message.subject,
                    "preheader": body_text[:120],
                    "body_html": body_html,
                    "body_text": body_text,
                    "sender_name": sender_name,
                    "event": item,
                    "reason": f"You get this because of your RSVP to {event.title} "
                    f"on {event.org.name}.",
                    "action_url": item["url"],
                    "action_label": "See the event",
                },
            }
        )
        twins[key] = Notification(
            user=user,
            kind="event.message",
            title=f"{event.org.name}: {message.subject}",
            body=body_text[:500],
            url=event.get_absolute_url(),
            key=key,
        )
    queued = [row.key for row in email_enqueue_many(emails, skip_unusable=True)]
    Notification.objects.bulk_create([twins[key] for key in queued], ignore_conflicts=True)
