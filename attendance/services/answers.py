"""A member's answers after an event: did they come, how was it, "ask me later", "don't ask".

The same services serve the signed link in the prompt email (`/a/<token>/`), the
dashboard cards and `/me/attendance/`. A self-report goes through the ledger with
source `self`, so it never overwrites what an admin, an import or a lu.ma
check-in recorded: such a report is kept as a refused ledger row (a conflict the
check-in list shows to admins) and the member is told, kindly, what the
organisers recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from astn.accounts.types import User
from attendance.errors import AnswerError
from attendance.models import Attendance, AttendanceChange, AttendedSource, Source
from attendance.services.ledger import (
    attended_outranked,
    attended_record,
    attended_refusal_record,
)
from attendance.signals import attendance_feedback_changed
from events.models import Event

# "Did you attend?" is asked at most twice per person per event; then it stays unknown.
MAX_PROMPTS = 2
REMIND_LATER = timedelta(hours=24)
FEEDBACK_MAX_LENGTH = 2000
RATINGS = range(1, 6)

# How a member reads the source that outranked their answer.
RECORDED_BY: dict[str, str] = {
    AttendedSource.ADMIN.value: "your organisers",
    AttendedSource.IMPORT.value: "your organisers' attendance list",
    AttendedSource.LUMA_CHECKIN.value: "the lu.ma check-in",
    AttendedSource.PROGRAM.value: "the program",
}


@dataclass(frozen=True)
class AnswerOutcome:
    """What happened to an answer, and what to tell the member about it."""

    attendance: Attendance
    message: str
    # False when a more trusted source kept its different value (a conflict was recorded).
    recorded: bool = True
    changed: bool = False


def answer_closed_reason(event: Event, *, now: datetime | None = None) -> str | None:
    """Return why nobody can say whether they attended `event` now, or None if they can."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return f"{event.title} was cancelled, so there is nothing to answer."
    if event.status != Event.Status.PUBLISHED:
        return "This event is not published."
    if event.start > now:
        return f"{event.title} has not started yet. You can answer once it has."
    return None


def _locked(attendance: Attendance, *, now: datetime) -> Attendance:
    """Lock and reload `attendance` (the caller is in a transaction); refuse closed events."""
    locked = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("event__org", "membership")
        .get(pk=attendance.pk)
    )
    reason = answer_closed_reason(locked.event, now=now)
    if reason:
        raise AnswerError(reason)
    return locked


@transaction.atomic
def attendance_answer(
    *,
    attendance: Attendance,
    attended: bool,
    actor: User | None = None,
    now: datetime | None = None,
) -> AnswerOutcome:
    """Record the member's own answer to "Did you attend?" (ledger source `self`).

    A second answer that differs from the first replaces it (and is in the ledger).
    When an admin, an import or a check-in already recorded a *different* value, that
    value stays; the answer is written as a refused ledger row (a conflict for the
    check-in list) and the outcome says who recorded what. Answering ends the prompts.
    Raise `AnswerError` for a cancelled, unpublished or not yet started event.
    """
    now = now or timezone.now()
    attendance = _locked(attendance, now=now)
    if attendance.remind_after is not None:
        attendance.remind_after = None
        attendance.save(update_fields=["remind_after", "updated_at"])
    if attendance.attended != attended and attended_outranked(attendance, source=Source.SELF):
        _conflict_record(attendance, attended=attended, actor=actor)
        by = RECORDED_BY.get(attendance.attended_source, "your organisers")
        recorded = "there" if attendance.attended else "not there"
        return AnswerOutcome(
            attendance=attendance,
            recorded=False,
            message=(
                f"Thanks! {by[0].upper()}{by[1:]} already recorded you as {recorded}, so we "
                "kept that. We've let them know you see it differently."
            ),
        )
    previous = attendance.attended
    change = attended_record(
        attendance, attended=attended, source=Source.SELF, actor=actor, now=now
    )
    if attended:
        message = "Thanks! Glad you made it."
    else:
        message = "Thanks for letting the organisers know. Hope to see you next time!"
    if change is not None and previous is not None:
        message = "Changed. " + message
    return AnswerOutcome(attendance=attendance, message=message, changed=change is not None)


def _conflict_record(attendance: Attendance, *, attended: bool, actor: User | None) -> None:
    """Write one open conflict per disagreeing value (asking twice does not add rows)."""
    exists = (
        AttendanceChange.objects.filter(attendance=attendance, new=str(attended).lower())
        .open_conflicts()
        .exists()
    )
    if not exists:
        attended_refusal_record(attendance, attended=attended, source=Source.SELF, actor=actor)


@transaction.atomic
def attendance_feedback_set(
    *,
    attendance: Attendance,
    rating: int | None,
    comment: str = "",
    now: datetime | None = None,
) -> Attendance:
    """Save the member's rating (1–5, or None) and comment about an event they attended.

    Feedback is optional and never needed to record attendance. Sends
    `attendance_feedback_changed` after commit when something changed.
    Raise `AnswerError` for a rating outside 1–5, a comment over
    `FEEDBACK_MAX_LENGTH` characters, or a record that does not say they attended.
    """
    now = now or timezone.now()
    if rating is not None and rating not in RATINGS:
        raise AnswerError("Choose between 1 and 5 stars.")
    comment = (comment or "").strip()
    if len(comment) > FEEDBACK_MAX_LENGTH:
        raise AnswerError(
            f"Please keep your comment to {FEEDBACK_MAX_LENGTH:,} characters "
            f"(it has {len(comment):,})."
        )
    attendance = _locked(attendance, now=now)
    if attendance.attended is not True:
        raise AnswerError("Feedback is for events you attended: tell us you were there first.")
    if (attendance.rating, attendance.feedback) == (rating, comment):
        return attendance
    attendance.rating = rating
    attendance.feedback = comment
    attendance.save(update_fields=["rating", "feedback", "updated_at"])
    transaction.on_commit(
        lambda: attendance_feedback_changed.send(sender=Attendance, attendance=attendance)
    )
    return attendance


@transaction.atomic
def attendance_dismiss(*, attendance: Attendance, now: datetime | None = None) -> AnswerOutcome:
    """Stop asking about this event ("Don't ask about this event again"). Idempotent.

    Attendance stays unknown unless the member answers after all, which stays possible.
    """
    now = now or timezone.now()
    attendance = _locked(attendance, now=now)
    if attendance.dismissed_at is None:
        attendance.dismissed_at = now
        attendance.remind_after = None
        attendance.save(update_fields=["dismissed_at", "remind_after", "updated_at"])
    return AnswerOutcome(
        attendance=attendance, message="Got it: we won't ask about this event again."
    )


@transaction.atomic
def prompt_defer(*, attendance: Attendance, now: datetime | None = None) -> AnswerOutcome:
    """Ask again in 24 hours ("Remind me later"), unless this was already the last prompt.

    The prompt job sends the deferred prompt once `remind_after` has passed. After
    `MAX_PROMPTS` prompts nothing more is sent and attendance stays unknown.
    """
    now = now or timezone.now()
    attendance = _locked(attendance, now=now)
    if attendance.attended is not None:
        return AnswerOutcome(
            attendance=attendance, message="You've already answered this one. Thanks!"
        )
    if attendance.prompt_count >= MAX_PROMPTS:
        return AnswerOutcome(
            attendance=attendance,
            message="OK. We won't ask again, but you can still answer from this page "
            "or from “My attendance” whenever you like.",
        )
    attendance.remind_after = now + REMIND_LATER
    attendance.dismissed_at = None
    attendance.save(update_fields=["remind_after", "dismissed_at", "updated_at"])
    return AnswerOutcome(
        attendance=attendance,
        message="OK, we'll ask you again tomorrow. That will be the last time.",
    )


@transaction.atomic
def attendance_feedback_erase_for_user(*, user: User) -> int:
    """Blank the comments `user` wrote about events (account deletion); return how many.

    Star ratings stay: once the membership is anonymised they are numbers about an
    event, not about a person. Runs before `orgs` anonymises the memberships (the
    deletion steps run in name order: "attendance-feedback" < "memberships").
    """
    return Attendance.objects.filter(membership__user=user).exclude(feedback="").update(feedback="")
