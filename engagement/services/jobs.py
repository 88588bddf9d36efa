"""The scheduled work: the daily recompute of every org, "Recompute now", the rollup."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from engagement.models import RecomputeRun
from orgs.models import Organization

FULL_DETAIL_DAYS = 90
# A queued or running recompute younger than this is reused instead of starting another.
RUN_REUSE = timedelta(minutes=15)


def recompute_request(
    *, org: Organization, acting_user=None, trigger: str = "manual"
) -> RecomputeRun:
    """Queue a background recompute of `org` (or return the one already queued/running).

    Side effect: `engagement_recompute_org_task` is enqueued after commit. Never calls
    the API itself, so it is safe inside a request.
    """
    from engagement.tasks import engagement_recompute_org_task

    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=org.pk).first()
        run = (
            RecomputeRun.objects.filter(
                org=org,
                status__in=[RecomputeRun.Status.QUEUED, RecomputeRun.Status.RUNNING],
                created_at__gte=timezone.now() - RUN_REUSE,
            )
            .order_by("-created_at")
            .first()
        )
        if run is not None:
            return run
        run = RecomputeRun.objects.create(org=org, trigger=trigger, requested_by=acting_user)
        transaction.on_commit(
            lambda: engagement_recompute_org_task.delay(org_id=org.pk, run_id=run.pk)
        )
    return run


def orgs_to_recompute() -> list[int]:
    """Ids of orgs with at least one membership that has not left."""
    return list(
        Organization.objects.filter(memberships__status__in=["member", "contact"])
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


_ROLLUP_SQL = """
WITH gone AS (
    DELETE FROM engagement_activity WHERE occurred_at < %s
    RETURNING org_id, membership_id, kind, occurred_at
)
INSERT INTO engagement_activityrollup (org_id, membership_id, kind, month, count)
SELECT org_id, membership_id, kind,
       date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date, count(*)
FROM gone
GROUP BY 1, 2, 3, 4
ON CONFLICT (membership_id, kind, month)
DO UPDATE SET count = engagement_activityrollup.count + EXCLUDED.count
"""


def activity_rollup(*, now: datetime) -> int:
    """Fold activity older than 90 days into monthly counts; return the rollup rows touched.

    One statement (DELETE … RETURNING feeding an upsert), so a row is counted exactly
    once even with two workers: the second one's DELETE finds the rows gone.
    """
    cutoff = now - timedelta(days=FULL_DETAIL_DAYS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_ROLLUP_SQL, [cutoff])
        return cursor.rowcount
