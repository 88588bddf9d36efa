"""Demo RSVPs on the demo events, so event pages and the dashboard look alive.

Then, on past events, what happened afterwards (#6): people who said they came
(with ratings and comments), said they didn't, were asked twice and never
answered, asked to be reminded, dismissed the question, were checked in by
lu.ma, or disagree with an admin's mark (a conflict to settle on the check-in
list). Recent events keep a few unanswered, so the dashboard asks.

Idempotent: an event that already has RSVPs is left alone, and a past event
whose attendance was already recorded is left alone.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from attendance.demo_imports import seed_imports
from attendance.models import Attendance, Source
from attendance.services import rsvp_set
from attendance.services.answers import attendance_answer, attendance_feedback_set
from attendance.services.ledger import attended_record, rsvp_record
from attendance.services.rsvp import rsvp_closed_reason
from events.models import Event
from orgs.models import Membership

# A varied but repeatable mix: most people go, some might, a few can't.
PATTERN = ["going", "going", "maybe", "going", "not_going", None, "going", "maybe"]


def seed(*, stdout) -> None:
    events = Event.objects.visible().select_related("org").order_by("start", "pk")
    seeded = rsvps = 0
    for event in events:
        if Attendance.objects.filter(event=event).exists():
            continue
        members = list(
            Membership.objects.active()
            .filter(org=event.org, user__isnull=False)
            .select_related("user")
            .order_by("pk")
        )
        for index, membership in enumerate(members):
            answer = PATTERN[(event.pk + index) % len(PATTERN)]
            if answer is None:
                continue
            rsvps += _answer(event, membership, answer)
        seeded += 1
    stdout.write(f"attendance: RSVPs on {seeded} demo events ({rsvps} answers)")
    _seed_after_the_event(stdout=stdout)
    seed_imports(stdout=stdout, ended_before=timezone.now() - RECENT)
    _seed_messages(stdout=stdout)


def _answer(event: Event, membership: Membership, answer: str) -> int:
    if rsvp_closed_reason(event) is None:
        rsvp_set(event=event, user=membership.user, rsvp=answer)
        return 1
    # Past and cancelled events take no RSVPs now; the demo records what people said then.
    with transaction.atomic():
        attendance, _ = Attendance.objects.get_or_create(event=event, membership=membership)
        rsvp_record(attendance, rsvp=answer, source=Source.SELF, actor=membership.user)
    return 1


# What people did after an event, by their place on the list (repeating).
AFTER = [
    "came_5",
    "no",
    "came_comment",
    "asked_twice",
    "luma",
    "came_4",
    "later",
    "dismissed",
    "came_3",
]
COMMENTS = [
    "Great discussion, and the snacks were a nice touch.",
    "Loved it. Could we start 15 minutes later next time? Hard to make it after work.",
    "Good crowd. The room was a bit loud for the small groups.",
]
# Events that ended this recently keep some questions open for the dashboard.
RECENT = timedelta(days=14)


def _seed_after_the_event(*, stdout) -> None:
    now = timezone.now()
    events = (
        Event.objects.published()
        .filter(end__lt=now)
        .exclude(attendances__attended__isnull=False)
        .exclude(attendances__prompt_count__gt=0)
        .distinct()
        .order_by("start", "pk")
    )
    seeded = position = 0
    conflict_wanted = True  # every other event with two or more RSVPs gets one
    for event in events:
        admin = Membership.objects.admins().filter(org=event.org).select_related("user").first()
        records = list(
            Attendance.objects.filter(
                event=event, rsvp__in=[Attendance.Rsvp.GOING, Attendance.Rsvp.MAYBE]
            )
            .select_related("membership__user")
            .order_by("pk")
        )
        recent = event.end > now - RECENT
        with_conflict = admin is not None and conflict_wanted and len(records) >= 2
        if len(records) >= 2:
            conflict_wanted = not with_conflict
        for index, attendance in enumerate(records):
            if with_conflict and index == len(records) - 1:
                what = "conflict"
            else:
                # A running position (not ids) keeps the mix the same in every database.
                what = AFTER[position % len(AFTER)]
                position += 1
            if recent and what in ("asked_twice", "later", "came_3"):
                what = "unanswered"
            _after(attendance, what, admin=admin.user if admin else None, index=index, now=now)
        seeded += 1
    stdout.write(f"attendance: who came, feedback and conflicts on {seeded} past events")


@transaction.atomic
def _after(attendance: Attendance, what: str, *, admin, index: int, now) -> None:
    user = attendance.membership.user
    asked = attendance.event.end + timedelta(hours=3)
    Attendance.objects.filter(pk=attendance.pk).update(prompt_count=1, last_prompted_at=asked)
    attendance.refresh_from_db()
    if what.startswith("came"):
        attendance_answer(attendance=attendance, attended=True, actor=user, now=now)
        rating = {"came_5": 5, "came_4": 4, "came_3": 3, "came_comment": 4}[what]
        comment = COMMENTS[index % len(COMMENTS)] if what != "came_4" else ""
        attendance_feedback_set(attendance=attendance, rating=rating, comment=comment, now=now)
    elif what == "no":
        attendance_answer(attendance=attendance, attended=False, actor=user, now=now)
    elif what == "asked_twice":
        Attendance.objects.filter(pk=attendance.pk).update(
            prompt_count=2, last_prompted_at=asked + timedelta(days=1)
        )
    elif what == "later":
        Attendance.objects.filter(pk=attendance.pk).update(remind_after=now + timedelta(hours=20))
    elif what == "dismissed":
        Attendance.objects.filter(pk=attendance.pk).update(dismissed_at=asked)
    elif what == "luma":
        attended_record(attendance, attended=True, source=Source.LUMA_CHECKIN)
    elif what == "conflict" and admin is not None:
        # The admin marked them absent; they say they came: left for an admin to settle.
        attended_record(attendance, attended=False, source=Source.ADMIN, actor=admin)
        attendance_answer(attendance=attendance, attended=True, actor=user, now=now)
    # "unanswered": asked once, no answer yet (the dashboard shows it).


def _seed_messages(*, stdout) -> None:
    """A thank-you to the people who came, on each org's latest past event (#10)."""
    from attendance.errors import EventMessageError
    from attendance.models import EventMessage
    from attendance.services.messages import event_message_send

    now = timezone.now()
    sent = 0
    for org_id in Event.objects.published().values_list("org_id", flat=True).distinct():
        event = (
            Event.objects.published()
            .filter(org_id=org_id, end__lt=now, attendances__attended=True)
            .order_by("-start")
            .first()
        )
        if event is None or EventMessage.objects.filter(event__org_id=org_id).exists():
            continue
        admin = Membership.objects.admins().filter(org_id=org_id).select_related("user").first()
        if admin is None or admin.user is None:
            continue
        try:
            event_message_send(
                event=event,
                sender=admin.user,
                segment="attended",
                subject=f"Thank you for coming to {event.title}",
                body="It was lovely to see you. The notes from the evening are "
                "[here](https://example.org/notes), and the next date is on our page.",
                now=now,
            )
        except EventMessageError:
            continue
        sent += 1
    stdout.write(f"attendance: {sent} organiser message{'s' if sent != 1 else ''} to attendees")
