"""Celery tasks of engagement: ids in, one service call."""

from __future__ import annotations

from celery import shared_task


@shared_task
def engagement_recompute_task() -> int:
    """The `engagement_recompute` job (daily 03:00 UTC): one task per org."""
    from engagement.services.jobs import orgs_to_recompute

    org_ids = orgs_to_recompute()
    for org_id in org_ids:
        engagement_recompute_org_task.delay(org_id=org_id)
    return len(org_ids)


@shared_task(acks_late=True)
def engagement_recompute_org_task(org_id: int, run_id: int | None = None) -> int:
    from engagement.models import RecomputeRun
    from engagement.services.recompute import engagement_recompute_org
    from orgs.models import Organization

    org = Organization.objects.filter(pk=org_id).first()
    if org is None:
        return 0
    run = RecomputeRun.objects.filter(pk=run_id, org=org).first() if run_id else None
    return engagement_recompute_org(org=org, run=run).changed


@shared_task
def engagement_rollup_task() -> int:
    """The `engagement_rollup` job (daily): activity past 90 days → monthly counts."""
    from django.utils import timezone

    from engagement.services.jobs import activity_rollup

    return activity_rollup(now=timezone.now())
