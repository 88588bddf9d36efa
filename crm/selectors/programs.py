"""Reads for programs: org-scoped fetchers (404 for missing and foreign alike), lists,
the sessions × participants grid, and a member's own programs with progress."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from attendance.models import Attendance
from crm.models import Enrollment, Program, ProgramSession
from events.models import Event
from orgs.models import Membership, Organization

# Enrollments shown as participants (requests and declines are listed apart).
PARTICIPANT_STATUSES = (
    Enrollment.Status.ENROLLED,
    Enrollment.Status.COMPLETED,
    Enrollment.Status.DROPPED,
)


def access_program(*, org: Organization, program_id: int) -> Program:
    return get_object_or_404(Program.objects.for_org(org), pk=program_id)


def access_org_event(*, org: Organization, event_id: int) -> Event:
    return get_object_or_404(Event.objects.filter(org=org), pk=event_id)


def access_org_membership(*, org: Organization, membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.filter(org=org).exclude(status=Membership.Status.LEFT),
        pk=membership_id,
    )


def access_enrollment(*, program: Program, enrollment_id: int) -> Enrollment:
    return get_object_or_404(
        program.enrollments.select_related("membership__user"), pk=enrollment_id
    )


def program_list(*, org: Organization, archived: bool = False) -> QuerySet[Program]:
    status = Program.Status.ARCHIVED if archived else Program.Status.ACTIVE
    return (
        Program.objects.for_org(org)
        .filter(status=status)
        .annotate(
            session_count=Count("programsession", distinct=True),
            enrolled_count=Count(
                "enrollments",
                filter=Q(enrollments__status=Enrollment.Status.ENROLLED),
                distinct=True,
            ),
            completed_count=Count(
                "enrollments",
                filter=Q(enrollments__status=Enrollment.Status.COMPLETED),
                distinct=True,
            ),
            request_count=Count(
                "enrollments",
                filter=Q(enrollments__status=Enrollment.Status.REQUESTED),
                distinct=True,
            ),
        )
        .order_by("-created_at")
    )


def program_counts(*, org: Organization) -> dict[str, int]:
    rows = Program.objects.for_org(org).values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    return {s: counts.get(s, 0) for s in Program.Status.values}


def program_sessions(*, program: Program) -> list[Event]:
    return list(program.sessions.filter(org=program.org_id).order_by("start", "pk"))


def linkable_events(*, org: Organization, program: Program | None = None) -> QuerySet[Event]:
    """Events of `org` an admin may link: not cancelled, not linked yet, newest first."""
    events = Event.objects.filter(org=org).exclude(status=Event.Status.CANCELLED)
    if program is not None:
        events = events.exclude(
            pk__in=ProgramSession.objects.filter(program=program).values("event_id")
        )
    return events.order_by("-start")


def enrollable_members(
    *, org: Organization, program: Program, query: str = "", limit: int = 20
) -> list[Membership]:
    """Members and contacts of `org` not yet in `program`, matching `query` (name or email)."""
    people = (
        Membership.objects.filter(org=org)
        .exclude(status=Membership.Status.LEFT)
        .exclude(
            pk__in=program.enrollments.filter(
                status__in=(Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED)
            ).values("membership_id")
        )
        .select_related("user")
    )
    query = query.strip()[:100]
    if query:
        people = people.filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(user__name__icontains=query)
            | Q(company__icontains=query)
        )
    return list(people.order_by("name", "email")[:limit])


@dataclass
class GridCell:
    attended: bool | None
    source: str = ""
    source_label: str = ""


@dataclass
class GridRow:
    enrollment: Enrollment
    cells: list[GridCell]
    attended: int = 0


@dataclass
class ProgramGrid:
    sessions: list[Event]
    rows: list[GridRow]
    per_session: list[int] = field(default_factory=list)


def program_grid(*, program: Program) -> ProgramGrid:
    """Sessions × participants: attended / no / unknown per cell, with the source.

    Three queries whatever the size: sessions, enrollments, and the attendance of those
    people at those sessions.
    """
    sessions = program_sessions(program=program)
    enrollments = list(
        program.enrollments.filter(status__in=PARTICIPANT_STATUSES)
        .select_related("membership__user")
        .order_by("membership__name", "membership__email")
    )
    marks = {
        (a.event_id, a.membership_id): a
        for a in Attendance.objects.filter(
            event__in=[s.pk for s in sessions],
            membership__in=[e.membership_id for e in enrollments],
        ).only("event_id", "membership_id", "attended", "attended_source")
    }
    rows = []
    per_session = [0] * len(sessions)
    for enrollment in enrollments:
        cells = []
        for index, session in enumerate(sessions):
            mark = marks.get((session.pk, enrollment.membership_id))
            if mark is None or mark.attended is None:
                cells.append(GridCell(None))
                continue
            cells.append(
                GridCell(mark.attended, mark.attended_source, mark.get_attended_source_display())
            )
            if mark.attended:
                per_session[index] += 1
        rows.append(GridRow(enrollment, cells, sum(1 for c in cells if c.attended)))
    return ProgramGrid(sessions, rows, per_session)


def program_requests(*, program: Program) -> QuerySet[Enrollment]:
    return program.enrollments.filter(status=Enrollment.Status.REQUESTED).select_related(
        "membership__user"
    )


@dataclass
class MyProgram:
    program: Program
    enrollment: Enrollment
    attended: int
    sessions: int
    required: int | None

    @property
    def percent(self) -> int:
        goal = self.required or self.sessions
        return min(100, round(100 * self.attended / goal)) if goal else 0


def my_programs(*, user) -> list[MyProgram]:
    """The signed-in member's programs (any org) with sessions attended of N."""
    if not getattr(user, "pk", None):
        return []
    enrollments = list(
        Enrollment.objects.filter(
            membership__user=user,
            membership__status=Membership.Status.MEMBER,
        )
        .exclude(status=Enrollment.Status.DECLINED)
        .select_related("program__org")
        .annotate(session_count=Count("program__programsession", distinct=True))
        .order_by("status", "-enrolled_at")
    )
    if not enrollments:
        return []
    attended = dict(
        Attendance.objects.filter(
            membership__user=user,
            attended=True,
            event__crm_programs__in=[e.program_id for e in enrollments],
        )
        .values_list("event__crm_programs")
        .annotate(n=Count("pk"))
        .values_list("event__crm_programs", "n")
    )
    return [
        MyProgram(
            program=e.program,
            enrollment=e,
            attended=attended.get(e.program_id, 0),
            sessions=e.session_count,
            required=e.program.required_sessions,
        )
        for e in enrollments
    ]


def open_programs_for(*, user, org: Organization) -> QuerySet[Program]:
    """Active programs of `org` that take requests and `user` is not in."""
    mine = Enrollment.objects.filter(program=OuterRef("pk"), membership__user=user)
    return (
        Program.objects.for_org(org)
        .active()
        .filter(open_for_requests=True)
        .annotate(mine=Exists(mine))
        .filter(mine=False)
    )


def enrollment_timeline_entries(*, org, membership, before, limit):
    """`crm.timeline` source: programs joined, completed and dropped."""
    from django.urls import reverse

    from crm.timeline import Entry

    enrollments = (
        Enrollment.objects.for_org(org)
        .filter(membership=membership)
        .exclude(status=Enrollment.Status.DECLINED)
        .select_related("program")
    )
    entries = []
    for enrollment in enrollments[:200]:
        program = enrollment.program
        url = reverse("crm:program-detail", kwargs={"slug": org.slug, "program_id": program.pk})
        moments = [
            (enrollment.requested_at, "Asked to join", "hourglass", "secondary"),
            (enrollment.enrolled_at, "Enrolled in", "journal-bookmark", "primary"),
            (enrollment.completed_at, "Completed", "patch-check", "success"),
            (enrollment.dropped_at, "Dropped", "journal-x", "secondary"),
        ]
        for at, verb, icon, tone in moments:
            if at is None or (before is not None and at >= before):
                continue
            detail = enrollment.status_reason if enrollment.manual and verb != "Enrolled in" else ""
            entries.append(
                Entry(
                    at=at,
                    kind="crm.program",
                    icon=icon,
                    title=f"{verb} {program.name}",
                    detail=detail,
                    url=url,
                    tone=tone,
                )
            )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
