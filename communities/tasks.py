"""Celery tasks of communities: ids in, one service call (jobs in DESIGN §6)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task
def rounds_open_task() -> int:
    """`rounds_open` (daily; a round opens on the 1st in the community's zone)."""
    from communities.services.rounds import rounds_open_due

    return rounds_open_due(now=timezone.now())


@shared_task
def round_reminders_task() -> int:
    """`round_reminders` (daily): 3 days before the deadline, to who has not finished."""
    from communities.services.rounds import round_reminders_due

    return round_reminders_due(now=timezone.now())


@shared_task
def matching_task() -> int:
    """`matching` (hourly): match rounds whose match time has passed."""
    from communities.services.matching import rounds_match_due

    return rounds_match_due(now=timezone.now())


@shared_task
def match_followup_task() -> int:
    """`match_followup` (daily): "Did you meet?" a week after the call; pause ghosts."""
    from communities.services.followup import match_followups_due

    return match_followups_due(now=timezone.now())
