"""The beat schedule, declared in code and synced into django-celery-beat's tables.

Each job has a `run_job` name (DESIGN §6), the dotted path of its Celery task and
when it runs. `sync_schedule()` creates or updates one `PeriodicTask` per job
after every `migrate`; it never touches `enabled`, so a job a staff member paused
in the admin stays paused. Apps add their jobs with `register(Job(...))` (the
`jobs` registry, astn/core/registry.py) from `AppConfig.ready()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from astn.core.registry import Registry


@dataclass(frozen=True)
class Every:
    minutes: int


@dataclass(frozen=True)
class Cron:
    minute: str = "0"
    hour: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    day_of_week: str = "*"


@dataclass(frozen=True)
class Job:
    name: str
    task: str
    when: Every | Cron
    description: str
    kwargs: dict = field(default_factory=dict)


jobs: Registry[Job] = Registry("jobs")

for _job in (
    Job(
        name="heartbeat",
        task="astn.core.tasks.heartbeat_task",
        when=Every(minutes=1),
        description="Logs a line every minute: proves beat, the worker and Redis are alive.",
    ),
    Job(
        name="pending_tasks",
        task="astn.core.tasks.pending_tasks_task",
        when=Every(minutes=1),
        description="Every minute: sends follow-up tasks the broker could not take when a "
        "request asked for them (astn/core/services.py).",
    ),
):
    jobs.register(_job)

JOBS = jobs  # the old name; iterate it


def jobs_by_name() -> dict[str, Job]:
    return {job.name: job for job in jobs}


def register(job: Job) -> None:
    """Add a job from an app's `AppConfig.ready()` (keeps apps free of core edits)."""
    jobs.register(job)


def sync_schedule() -> int:
    """Create or update one PeriodicTask per job; return how many were written."""
    import json

    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    for job in JOBS:
        defaults: dict[str, object] = {
            "task": job.task,
            "kwargs": json.dumps(job.kwargs),
            "description": job.description,
            "interval": None,
            "crontab": None,
        }
        if isinstance(job.when, Every):
            defaults["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=job.when.minutes, period=IntervalSchedule.MINUTES
            )
        else:
            defaults["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=job.when.minute,
                hour=job.when.hour,
                day_of_month=job.when.day_of_month,
                month_of_year=job.when.month_of_year,
                day_of_week=job.when.day_of_week,
                timezone="UTC",
            )
        PeriodicTask.objects.update_or_create(name=job.name, defaults=defaults)
    return len(JOBS)


def sync_schedule_after_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections
    from django_celery_beat.models import PeriodicTask

    # Only once django-celery-beat's tables exist (post_migrate also fires mid-test-setup).
    tables = connections[using].introspection.table_names()
    if PeriodicTask._meta.db_table in tables:
        sync_schedule()
