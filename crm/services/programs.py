"""Writes for programs: create, edit, archive, sessions, enrollment, automatic completion.

Every function here is keyword-only and atomic. Callers fetch the program, events and
memberships through `crm.selectors.programs` (org-scoped, 404 otherwise) first; these
functions re-check what a caller could get wrong (another org's event, an archived
program, a completion rule the sessions cannot meet) and raise `ProgramError` with a
message for the admin or member.

Side effects: completion, dropping and enrolment are recorded in the engagement
activity log (`engagement.services.activity_record`); decisions on join requests are
emailed to the member through the outbox after commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from crm.models import Enrollment, Program, ProgramSession
from crm.services.program_completion import (
    SEATED,
    enrollments_for_attendance,
    enrollments_recompute,
    record_program_activity,
)
from events.models import Event
from orgs.models import Membership, Organization


class ProgramError(Exception):
    """A program change that cannot be made; the message says why. `field` names the form
    field it belongs to, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _check_rule(*, completion_rule: str, required_sessions: int | None, session_count: int):
    if completion_rule != Program.CompletionRule.ATTEND_N:
        return
    if not required_sessions or required_sessions < 1:
        raise ProgramError(
            "Say how many sessions a participant must attend (at least 1).",
            field="required_sessions",
        )
    if required_sessions > session_count:
        have = f"{session_count} session{'s' if session_count != 1 else ''}"
        raise ProgramError(
            f"The rule asks for {required_sessions} sessions but the program has {have}. "
            "Link more sessions or lower the number.",
            field="required_sessions",
        )


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ProgramError("The program cannot end before it starts.", field="ends_on")


def _check_events(org: Organization, events: Iterable[Event]) -> list[Event]:
    events = list(events)
    if any(event.org_id != org.pk for event in events):
        raise ProgramError("Sessions must be events of this organisation.", field="sessions")
    return events


@transaction.atomic
def program_create(
    *,
    org: Organization,
    acting_user,
    name: str,
    kind: str = Program.Kind.READING_GROUP,
    description: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    capacity: int | None = None,
    open_for_requests: bool = False,
    completion_rule: str = Program.CompletionRule.ATTEND_N,
    required_sessions: int | None = None,
    sessions: Iterable[Event] = (),
) -> Program:
    """Create a program with its sessions (events of `org`).

    Raise `ProgramError` when a session belongs to another org, the dates are reversed,
    or an "attend N" rule asks for 0 or more sessions than are linked.
    """
    events = _check_events(org, sessions)
    _check_dates(starts_on, ends_on)
    _check_rule(
        completion_rule=completion_rule,
        required_sessions=required_sessions,
        session_count=len({e.pk for e in events}),
    )
    program = Program.objects.create(
        org=org,
        name=name.strip(),
        kind=kind,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        open_for_requests=open_for_requests,
        completion_rule=completion_rule,
        required_sessions=(
            required_sessions if completion_rule == Program.CompletionRule.ATTEND_N else None
        ),
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    ProgramSession.objects.bulk_create(
        [ProgramSession(program=program, event=event) for event in events],
        ignore_conflicts=True,
    )
    return program


@transaction.atomic
def program_update(
    *,
    program: Program,
    name: str,
    kind: str,
    description: str,
    starts_on: date | None,
    ends_on: date | None,
    capacity: int | None,
    open_for_requests: bool,
    completion_rule: str,
    required_sessions: int | None,
) -> Program:
    """Save a program's details; re-judge every enrollment against a changed rule."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    _check_dates(starts_on, ends_on)
    _check_rule(
        completion_rule=completion_rule,
        required_sessions=required_sessions,
        session_count=ProgramSession.objects.filter(program=program).count(),
    )
    seated = program.enrollments.filter(status__in=SEATED).count()
    if capacity is not None and capacity < seated:
        raise ProgramError(
            f"{seated} people are already enrolled; the capacity cannot be lower.",
            field="capacity",
        )
    rule_changed = (completion_rule, required_sessions) != (
        program.completion_rule,
        program.required_sessions,
    )
    program.name = name.strip()
    program.kind = kind
    program.description = description
    program.starts_on = starts_on
    program.ends_on = ends_on
    program.capacity = capacity
    program.open_for_requests = open_for_requests
    program.completion_rule = completion_rule
    program.required_sessions = (
        required_sessions if completion_rule == Program.CompletionRule.ATTEND_N else None
    )
    program.save()
    if rule_changed:
        enrollments_recompute(program_ids=[program.pk])
    return program


@transaction.atomic
def program_archive(*, program: Program, archived: bool = True) -> Program:
    """Archive (hide, keep history, refuse new enrolments) or restore a program."""
    program.status = Program.Status.ARCHIVED if archived else Program.Status.ACTIVE
    program.archived_at = timezone.now() if archived else None
    program.save(update_fields=["status", "archived_at"])
    return program


@transaction.atomic
def program_session_link(*, program: Program, events: Iterable[Event]) -> int:
    """Link events of the program's org as sessions; return how many were new.

    Attendance already recorded at them counts at once.
    """
    events = _check_events(program.org, events)
    linked = ProgramSession.objects.filter(program=program)
    before = linked.count()
    ProgramSession.objects.bulk_create(
        [ProgramSession(program=program, event=event) for event in events],
        ignore_conflicts=True,
    )
    added = linked.count() - before
    if added:
        enrollments_recompute(program_ids=[program.pk])
    return added


@transaction.atomic
def program_session_unlink(*, program: Program, event: Event) -> None:
    """Unlink a session; refuse when the completion rule would ask for more than remain."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    remaining = ProgramSession.objects.filter(program=program).exclude(event=event).count()
    if (
        program.completion_rule == Program.CompletionRule.ATTEND_N
        and (program.required_sessions or 0) > remaining
    ):
        raise ProgramError(
            f"The rule asks for {program.required_sessions} sessions; without this one the "
            f"program would have {remaining}. Lower the rule first."
        )
    ProgramSession.objects.filter(program=program, event=event).delete()
    enrollments_recompute(program_ids=[program.pk])


def _check_open(program: Program) -> None:
    if program.status == Program.Status.ARCHIVED:
        raise ProgramError(f"“{program.name}” is archived; it takes no new participants.")


def _seats_left(program: Program) -> int | None:
    if program.capacity is None:
        return None
    return max(0, program.capacity - program.enrollments.filter(status__in=SEATED).count())


@transaction.atomic
def enrollment_add(
    *, program: Program, memberships: Iterable[Membership], acting_user
) -> tuple[list[Enrollment], int]:
    """Enrol memberships of the program's org; return (new or re-activated, already in).

    Raise `ProgramError` for an archived program, a membership of another org, or more
    people than seats left (then nobody is enrolled: all or nothing). Sessions they
    already attended count at once.
    """
    program = Program.objects.select_for_update().get(pk=program.pk)
    _check_open(program)
    memberships = list({m.pk: m for m in memberships}.values())
    if any(m.org_id != program.org_id for m in memberships):
        raise ProgramError("Only people of this organisation can be enrolled.")
    existing = {e.membership_id: e for e in program.enrollments.filter(membership__in=memberships)}
    already = [m for m in memberships if existing.get(m.pk) and existing[m.pk].status in SEATED]
    todo = [m for m in memberships if m not in already]
    seats = _seats_left(program)
    if seats is not None and len(todo) > seats:
        raise ProgramError(
            f"Only {seats} seat{'s' if seats != 1 else ''} left in “{program.name}”; "
            f"you selected {len(todo)} people. Nobody was enrolled."
        )
    now = timezone.now()
    by = acting_user if getattr(acting_user, "pk", None) else None
    changed = []
    for membership in todo:
        enrollment = existing.get(membership.pk) or Enrollment(
            program=program, membership=membership
        )
        enrollment.status = Enrollment.Status.ENROLLED
        enrollment.enrolled_at = now
        enrollment.completed_at = None
        enrollment.dropped_at = None
        enrollment.manual = False
        enrollment.status_by = by
        enrollment.status_reason = ""
        enrollment.save()
        record_program_activity(membership, "program_enrolled", program, now)
        changed.append(enrollment)
    if changed:
        enrollments_recompute(program_ids=[program.pk], membership_ids=[m.pk for m in todo])
    return changed, len(already)


@transaction.atomic
def enrollment_request(*, program: Program, membership: Membership) -> Enrollment:
    """A member asks to join an open program; an admin decides later."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    _check_open(program)
    if not program.open_for_requests:
        raise ProgramError(f"“{program.name}” does not take requests; ask the organisers.")
    if membership.org_id != program.org_id or membership.status != Membership.Status.MEMBER:
        raise ProgramError(f"Join {program.org.name} first, then ask to join the program.")
    enrollment = program.enrollments.filter(membership=membership).first()
    if enrollment and enrollment.status in SEATED:
        raise ProgramError("You are already in this program.")
    if enrollment and enrollment.status == Enrollment.Status.REQUESTED:
        raise ProgramError("You have already asked; the organisers will let you know.")
    enrollment = enrollment or Enrollment(program=program, membership=membership)
    enrollment.status = Enrollment.Status.REQUESTED
    enrollment.requested_at = timezone.now()
    enrollment.save()
    return enrollment


@transaction.atomic
def enrollment_decide(*, enrollment: Enrollment, approve: bool, acting_user) -> Enrollment:
    """Approve (enrol) or decline a join request, and email the member after commit."""
    enrollment = (
        Enrollment.objects.select_for_update().select_related("program").get(pk=enrollment.pk)
    )
    program = enrollment.program
    if enrollment.status != Enrollment.Status.REQUESTED:
        raise ProgramError("This request has already been answered.")
    if approve:
        _check_open(program)
        if _seats_left(program) == 0:
            raise ProgramError(f"“{program.name}” is full; raise the capacity to approve.")
        enrollment_add(program=program, memberships=[enrollment.membership], acting_user=None)
        enrollment.refresh_from_db()
    else:
        enrollment.status = Enrollment.Status.DECLINED
    enrollment.status_by = acting_user if getattr(acting_user, "pk", None) else None
    enrollment.save(update_fields=["status", "status_by"])
    transaction.on_commit(lambda: _email_decision(enrollment.pk, approve))
    return enrollment


def _email_decision(enrollment_id: int, approved: bool) -> None:
    from astn.notifications import links
    from astn.notifications.services import email_enqueue

    enrollment = Enrollment.objects.select_related("program__org", "membership__user").get(
        pk=enrollment_id
    )
    membership = enrollment.membership
    if not membership.email:
        return
    program = enrollment.program
    verb = "approved" if approved else "declined"
    email_enqueue(
        key=f"crm-enrollment:{enrollment.pk}:{verb}:{enrollment.requested_at:%s}",
        to=membership.email,
        subject=(
            f"You're in: {program.name}" if approved else f"About your request: {program.name}"
        ),
        template="crm/email/enrollment_decision",
        context={
            "name": membership.display_name,
            "program": program.name,
            "org_name": program.org.name,
            "approved": approved,
            "url": links.absolute_url(reverse("attendance:history")),
        },
        user=membership.user,
    )


@transaction.atomic
def enrollment_set_status(
    *, enrollment: Enrollment, status: str, reason: str, acting_user
) -> Enrollment:
    """An admin's override: mark completed, dropped or back to enrolled, with a reason.

    The enrollment is then `manual`: automatic completion leaves it alone.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ProgramError("Give a reason; it is kept with the change.", field="reason")
    if status not in (*SEATED, Enrollment.Status.DROPPED):
        raise ProgramError("Choose completed, dropped or enrolled.", field="status")
    enrollment = (
        Enrollment.objects.select_for_update().select_related("program").get(pk=enrollment.pk)
    )
    if enrollment.status not in (*SEATED, Enrollment.Status.DROPPED):
        raise ProgramError("Only enrolled, completed or dropped participants can be changed.")
    now = timezone.now()
    enrollment.status = status
    enrollment.manual = True
    enrollment.status_reason = reason[:500]
    enrollment.status_by = acting_user if getattr(acting_user, "pk", None) else None
    enrollment.completed_at = now if status == Enrollment.Status.COMPLETED else None
    enrollment.dropped_at = now if status == Enrollment.Status.DROPPED else None
    enrollment.save()
    kinds: dict[str, str] = {
        Enrollment.Status.COMPLETED.value: "program_completed",
        Enrollment.Status.DROPPED.value: "program_dropped",
    }
    kind = kinds.get(str(status))
    if kind:
        record_program_activity(enrollment.membership, kind, enrollment.program, now)
    return enrollment


def program_export_log(*, program: Program, user, rows: int) -> None:
    """Audit an export of a program's grid: who, when, how many rows (never the rows)."""
    from crm.models import ExportLog

    ExportLog.objects.create(
        org=program.org,
        user=user if getattr(user, "pk", None) else None,
        filters={"program": program.pk},
        row_count=rows,
    )


__all__ = [
    "ProgramError",
    "enrollment_add",
    "enrollment_decide",
    "enrollment_request",
    "enrollment_set_status",
    "enrollments_for_attendance",
    "enrollments_recompute",
    "program_archive",
    "program_create",
    "program_export_log",
    "program_session_link",
    "program_session_unlink",
    "program_update",
]
