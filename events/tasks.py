"""Celery tasks of `events`: ids in, one service call (DESIGN §6)."""

from __future__ import annotations

from celery import shared_task

from events.models import SyncLog


@shared_task
def calendar_sync_task() -> int:
    """The hourly `calendar_sync` job: queue one sync per org with a calendar source."""
    from events.sync import orgs_with_sources

    org_ids = list(orgs_with_sources().values_list("pk", flat=True))
    for org_id in org_ids:
        calendar_sync_org_task.delay(org_id=org_id)
    return len(org_ids)


@shared_task
def calendar_sync_org_task(
    *, org_id: int, trigger: str = SyncLog.Trigger.SCHEDULE, user_id: int | None = None
) -> list[int]:
    """Sync every source of one org (re-read by id: it may have been deleted since)."""
    from django.contrib.auth import get_user_model

    from events.sync import calendar_sync_org, orgs_with_sources

    org = orgs_with_sources().filter(pk=org_id).first()
    if org is None:
        return []
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return [log.pk for log in calendar_sync_org(org=org, trigger=trigger, user=user)]


@shared_task
def event_announcements_task(org_id: int | None = None) -> int:
    """The `event_announcements` job (all orgs), and the on-publish run for one org."""
    from django.utils import timezone

    from events.services.announcements import announcements_send

    return announcements_send(now=timezone.now(), org_ids=None if org_id is None else [org_id])


@shared_task
def weekly_digest_task() -> int:
    """The hourly `weekly_digest` job: digests of members whose local Monday 09:00 has come."""
    from django.utils import timezone

    from events.services.digest import digest_send

    return digest_send(now=timezone.now())
