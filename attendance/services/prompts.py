"""The "Did you attend?" prompt job (`attendance_prompts`, every 10 minutes; DESIGN §6).

Two or four hours after an event ends, everyone who RSVPed going or maybe and
has not answered gets an email with three one-tap buttons (Yes / No / Remind
me later, each a signed link to `/a/<token>/`) and an in-app notification.
"Remind me later" asks once more 24 hours later; after `MAX_PROMPTS` nothing
more is sent and attendance stays unknown — never a no-show.

Idempotent and safe on two workers at once: each batch claims its rows with
`SELECT … FOR UPDATE SKIP LOCKED` and bumps `prompt_count` in the same
transaction as it queues the emails, and every email and notification has the
key `prompt:<attendance>:<n>`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from astn.notifications import links
from astn.notifications.models import Notification
from astn.notifications.services import email_enqueue_many
from attendance.models import Attendance
from attendance.services.answers import MAX_PROMPTS
from attendance.services.notices import event_email_context
from events.models import Event
from orgs.models import Membership

LINK_PURPOSE = "attendance"
LINK_MAX_AGE = timedelta(days=30)
# The first prompt goes out when the event ended between 4 and 2 hours ago: late enough
# that people are home, early enough that they remember.
PROMPT_DELAY = timedelta(hours=2)
PROMPT_WINDOW = timedelta(hours=4)
# A deferred prompt is not sent for an event that ended longer ago than a link lives.
DEFERRED_REACH = LINK_MAX_AGE
BATCH_SIZE = 500


def attendance_token(attendance: Attendance) -> str:
    """Return a signed token that lets its holder answer for `attendance` (30 days)."""
    return links.make_token(LINK_PURPOSE, {"a": attendance.pk, "m": attendance.membership_id})


def answer_url(attendance: Attendance, *, answer: str = "", token: str = "") -> str:
    """Return the absolute `/a/<token>/` address, with `?answer=` preselected if given."""
    token = token or attendance_token(attendance)
    path = reverse("attendance:answer", kwargs={"token": token})
    return links.absolute_url(path) + (f"?answer={answer}" if answer else "")


def prompts_due(*, now: datetime) -> QuerySet[Attendance]:
    """Return the records that should get a prompt at `now` (first or deferred).

    First prompts: the event ended 2–4 hours ago, no prompt yet. Deferred ones:
    "Remind me later" came due, fewer than `MAX_PROMPTS` sent. In both cases the
    person RSVPed going or maybe, has not answered, has not said "don't ask", is
    an active member with an account, has prompts switched on and has not muted
    the org.
    """
    first = Q(
        prompt_count=0,
        event__end__gt=now - PROMPT_WINDOW,
        event__end__lte=now - PROMPT_DELAY,
    ) & (Q(remind_after__isnull=True) | Q(remind_after__lte=now))
    deferred = Q(
        prompt_count__lt=MAX_PROMPTS,
        remind_after__lte=now,
        event__end__lte=now,
        event__end__gt=now - DEFERRED_REACH,
    )
    return Attendance.objects.filter(first | deferred).filter(
        event__status=Event.Status.PUBLISHED,
        rsvp__in=[Attendance.Rsvp.GOING, Attendance.Rsvp.MAYBE],
        attended__isnull=True,
        dismissed_at__isnull=True,
        membership__status=Membership.Status.MEMBER,
        membership__muted=False,
        membership__user__is_active=True,
        membership__user__notification_settings__attendance_prompts=True,
    )


def prompts_send_due(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Send every prompt that is due at `now`; return how many were sent by this call.

    Each batch is its own transaction, so a crash loses at most the batch in hand
    (whose rows stay unclaimed and go out on the next run).
    """
    now = now or timezone.now()
    sent = 0
    while True:
        claimed = _prompt_batch(now=now, batch_size=batch_size)
        sent += claimed
        if claimed < batch_size:
            return sent


@transaction.atomic
def _prompt_batch(*, now: datetime, batch_size: int) -> int:
    rows = list(
        prompts_due(now=now)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("event__org", "membership__user__profile")
        .order_by("pk")[:batch_size]
    )
    for attendance in rows:
        attendance.prompt_count += 1
        attendance.last_prompted_at = now
        attendance.remind_after = None
        attendance.updated_at = now
    Attendance.objects.bulk_update(
        rows, ["prompt_count", "last_prompted_at", "remind_after", "updated_at"]
    )
    emails, twins = [], {}
    contexts: dict[tuple[int, str], dict] = {}
    for attendance in rows:
        email, twin = _prompt_message(attendance, contexts=contexts)
        emails.append(email)
        twins[twin.key] = twin
    # One statement per batch; an unusable address is logged and skipped rather than
    # holding up everyone's prompts (its prompt_count has moved on: no retry loop).
    queued = [email.key for email in email_enqueue_many(emails, skip_unusable=True)]
    # The in-app twin exists exactly when this run queued the email.
    Notification.objects.bulk_create([twins[key] for key in queued], ignore_conflicts=True)
    return len(rows)


def _prompt_message(
    attendance: Attendance, *, contexts: dict[tuple[int, str], dict]
) -> tuple[dict, Notification]:
    """Build prompt number `attendance.prompt_count`: the email's arguments and its in-app twin.

    `contexts` caches the event's email context per event and time zone for the batch.
    """
    event, user = attendance.event, attendance.membership.user
    assert user is not None  # prompts_due() only picks memberships with an account
    zone = getattr(getattr(user, "profile", None), "timezone", "") or event.timezone
    if (event.pk, zone) not in contexts:
        contexts[(event.pk, zone)] = event_email_context(event, user=user)
    number = attendance.prompt_count
    key = f"prompt:{attendance.pk}:{number}"
    token = attendance_token(attendance)
    is_last = number >= MAX_PROMPTS
    title = f"Did you attend {event.title}?"
    email = {
        "key": key,
        "to": user.email,
        "user": user,
        "category": "prompts",
        "subject": title if number == 1 else f"Last ask: did you attend {event.title}?",
        "template": "attendance/email/attendance_prompt",
        "context": {
            **contexts[(event.pk, zone)],
            "name": user.name or user.email,
            "heading": title,
            "preheader": f"One tap tells {event.org.name} whether you made it.",
            "yes_url": answer_url(attendance, answer="yes", token=token),
            "no_url": answer_url(attendance, answer="no", token=token),
            "later_url": answer_url(attendance, answer="later", token=token),
            "page_url": answer_url(attendance, token=token),
            "is_last": is_last,
        },
    }
    twin = Notification(
        user=user,
        kind="attendance.prompt",
        title=title[:200],
        body=f"Let {event.org.name} know whether you made it. It takes one tap.",
        url=reverse("attendance:history"),
        key=key,
    )
    return email, twin
