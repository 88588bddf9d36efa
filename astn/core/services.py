"""Follow-up tasks that a committed action is owed, whatever the broker does.

`task_enqueue(task, key=..., **ids)` is the one way to ask for a task from a
request or a signal receiver:

    task_enqueue(waitlist_promote_task, key=f"waitlist_promote:{event.pk}", event_id=event.pk)

It writes a `PendingTask` row (in the caller's transaction, if there is one) and,
once that commits, hands the task to the broker. If the broker is down the
request still succeeds — nothing is raised after the user's action committed — and
the `pending_tasks` job sends the row when the broker is back. Asking again with
the same `key` before the task ran folds into the row (the latest kwargs win) and
makes sure the task runs once more after the new request.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from astn.core.models import PendingTask

logger = logging.getLogger("astn.tasks")

# A row is sent by its own on_commit hook first; the job waits this long before
# sending it itself, and re-sends a row whose task has not finished after REDISPATCH.
GRACE = timedelta(minutes=1)
REDISPATCH = timedelta(minutes=15)


def task_enqueue(task: Any, *, key: str, **kwargs: Any) -> int:
    """Owe `task(**kwargs)`; return the PendingTask id. See the module docstring."""
    from astn.core.tasks import check_ids_only

    check_ids_only(task.name, (), kwargs)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {PendingTask._meta.db_table}
                (key, task, kwargs, version, created_at, dispatches)
            VALUES (%s, %s, %s, 1, %s, 0)
            ON CONFLICT (key) DO UPDATE
               SET version = {PendingTask._meta.db_table}.version + 1,
                   kwargs = EXCLUDED.kwargs, task = EXCLUDED.task
            RETURNING id, version
            """,  # noqa: S608 - the table name is ours; values are parameters
            [key, task.name, json.dumps(kwargs), timezone.now()],
        )
        pending_id, version = cursor.fetchone()
    transaction.on_commit(lambda: _dispatch(task, pending_id, version, kwargs))
    return pending_id


def _dispatch(task: Any, pending_id: int, version: int, kwargs: dict) -> bool:
    """Hand the task to the broker; on a connection error log and leave it to the job."""
    from astn.core.tasks import CONNECTION_ERRORS, PENDING_HEADER

    try:
        task.apply_async(
            kwargs=kwargs, headers={PENDING_HEADER: [pending_id, version]}, retry=False
        )
    except CONNECTION_ERRORS as error:
        logger.warning(
            "task %s (pending %s): broker unreachable (%s); the pending_tasks job will send it",
            task.name,
            pending_id,
            type(error).__name__,
        )
        return False
    PendingTask.objects.filter(pk=pending_id, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now(), dispatches=F("dispatches") + 1
    )
    return True


def pending_task_done(*, pending_id: int, version: int) -> None:
    """The task ran: forget the row, unless a newer request for its key came meanwhile."""
    PendingTask.objects.filter(pk=pending_id, version=version).delete()


def pending_tasks_send(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send owed tasks the broker never took (or that never finished); return how many."""
    from celery import current_app

    from astn.core.tasks import PENDING_HEADER

    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            PendingTask.objects.select_for_update(skip_locked=True)
            .filter(
                Q(dispatched_at__isnull=True, created_at__lte=now - GRACE)
                | Q(dispatched_at__lte=now - REDISPATCH),
                dispatches__lt=PendingTask.MAX_DISPATCHES,
            )
            .order_by("created_at")[:limit]
        )
        PendingTask.objects.filter(pk__in=[row.pk for row in due]).update(
            dispatched_at=now, dispatches=F("dispatches") + 1
        )
    sent = 0
    for row in due:
        task = current_app.tasks.get(row.task)
        if task is None:
            logger.error("pending task %s: no task called %s", row.pk, row.task)
            continue
        try:
            task.apply_async(
                kwargs=row.kwargs, headers={PENDING_HEADER: [row.pk, row.version]}, retry=False
            )
        except Exception:
            logger.exception("pending task %s (%s) failed to send", row.pk, row.task)
            PendingTask.objects.filter(pk=row.pk).update(dispatched_at=None)
            continue
        sent += 1
    given_up = PendingTask.objects.filter(dispatches__gte=PendingTask.MAX_DISPATCHES).count()
    if given_up:
        logger.error(
            "%s pending tasks were sent %s times and never finished",
            given_up,
            PendingTask.MAX_DISPATCHES,
        )
    return sent
