"""Programs that complete themselves: "attend at least N sessions" judged from attendance.

`enrollments_recompute` re-judges enrollments (set-based) whenever attendance at a
program's sessions changes (`crm.hooks`), a session is linked or unlinked, or people are
enrolled; each completion is recorded as a `program_completed` engagement activity.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from attendance.models import Attendance
from crm.models import Enrollment, Program, ProgramSession
from orgs.models import Membership

# Enrollments that take a seat (a capacity counts these).
SEATED = (Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED)


def record_program_activity(
    membership: Membership, kind: str, program: Program, at: datetime
) -> None:
    from engagement.services import activity_record

    activity_record(
        membership=membership,
        kind=kind,
        occurred_at=at,
        metadata={"program_id": program.pk, "program_kind": program.kind},
        dedupe_key=f"program:{program.pk}:{at:%Y%m%d%H%M%S}",
    )


def _attended_sessions() -> Coalesce:
    """Per enrollment (outer row): how many of its program's sessions the person attended."""
    counts = (
        Attendance.objects.filter(
            membership=OuterRef("membership"),
            attended=True,
            event__crm_programs=OuterRef("program"),
        )
        .order_by()
        .values("membership")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


@transaction.atomic
def enrollments_recompute(
    *,
    program_ids: Iterable[int] | None = None,
    event_ids: Iterable[int] | None = None,
    membership_ids: Iterable[int] | None = None,
) -> tuple[int, int]:
    """Apply "attend at least N sessions" to the enrollments named; return (completed, reopened).

    Set-based: one query finds the enrollments whose count crossed the rule either way,
    one UPDATE each way. Only automatic enrollments (not `manual`) of active "attend N"
    programs change; a completion recorded by attendance that was later corrected goes
    back to enrolled. Each completion is recorded as a `program_completed` activity.
    """
    enrollments = Enrollment.objects.filter(
        program__status=Program.Status.ACTIVE,
        program__completion_rule=Program.CompletionRule.ATTEND_N,
        manual=False,
        status__in=SEATED,
    )
    if program_ids is not None:
        enrollments = enrollments.filter(program_id__in=list(program_ids))
    if event_ids is not None:
        enrollments = enrollments.filter(
            program__in=ProgramSession.objects.filter(event_id__in=list(event_ids)).values(
                "program_id"
            )
        )
    if membership_ids is not None:
        enrollments = enrollments.filter(membership_id__in=list(membership_ids))
    judged = enrollments.annotate(attended_n=_attended_sessions())
    now = timezone.now()
    to_complete = list(
        judged.filter(
            status=Enrollment.Status.ENROLLED,
            attended_n__gte=F("program__required_sessions"),
        ).select_related("program", "membership")
    )
    reopen_ids = list(
        judged.filter(
            status=Enrollment.Status.COMPLETED,
            attended_n__lt=F("program__required_sessions"),
        ).values_list("pk", flat=True)
    )
    if to_complete:
        Enrollment.objects.filter(pk__in=[e.pk for e in to_complete]).update(
            status=Enrollment.Status.COMPLETED, completed_at=now
        )
        for enrollment in to_complete:
            record_program_activity(
                enrollment.membership, "program_completed", enrollment.program, now
            )
    if reopen_ids:
        Enrollment.objects.filter(pk__in=reopen_ids).update(
            status=Enrollment.Status.ENROLLED, completed_at=None
        )
    return len(to_complete), len(reopen_ids)


def enrollments_for_attendance(*, event_ids: Iterable[int], membership_ids=None) -> None:
    """Receiver body: re-judge enrollments touched by attendance at `event_ids`."""
    event_ids = list(event_ids)
    if not event_ids or not ProgramSession.objects.filter(event_id__in=event_ids).exists():
        return
    enrollments_recompute(event_ids=event_ids, membership_ids=membership_ids)
