"""crm's Celery tasks: thin wrappers, one service call each."""

from __future__ import annotations

from celery import shared_task

from crm.services.interests import interest_vectors_refresh_all
from crm.services.stats import member_stats_refresh_all


@shared_task
def member_stats_refresh_task() -> int:
    return member_stats_refresh_all()


@shared_task
def interest_vectors_refresh_task() -> int:
    return interest_vectors_refresh_all()
