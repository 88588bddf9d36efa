"""The task base class every Celery task runs on, and the kernel's own tasks.

`astn.celery` makes `Task` the app's task class, so every `@shared_task` gets:

- **ids only**: arguments must be JSON primitives (ids, short strings, flags); a
  model instance or any other object raises `TypeError` when the task is sent —
  also in tests, where eager tasks would otherwise never serialise their arguments;
- **retries on connection errors**: broker, Redis or database connection trouble
  (`CONNECTION_ERRORS`) retries with exponential backoff (2 s, 4 s, … at most
  5 min) and full jitter, at most 8 times; other errors fail as usual;
- **the org scope re-entered**: a task whose keyword arguments include
  `org_id` runs inside `astn.core.scope.org_scope(org_id)` when it says
  `org_scoped=True` (see `OrgTask`), so org-scoped querysets are checked in the
  worker as in the view that asked for it;
- **owed follow-ups cleared**: a task sent by `astn.core.services.task_enqueue`
  deletes its `PendingTask` row when it returns.

    @shared_task(base=OrgTask)
    def engagement_recompute_org_task(org_id: int) -> int:
        return recompute(org=Organization.objects.get(pk=org_id))
"""

from __future__ import annotations

import logging
from typing import Any

import celery
from celery import shared_task
from django.db import InterfaceError
from django.db import OperationalError as DatabaseOperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from astn.core.scope import org_scope, scopes_disabled

logger = logging.getLogger("astn.tasks")

CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    BrokerOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    DatabaseOperationalError,
    InterfaceError,
    ConnectionError,
)

# The message header `task_enqueue` adds so the task can clear its PendingTask row.
PENDING_HEADER = "astn_pending"

_PRIMITIVES = (int, str, bool, float, type(None))


def _ids_only(name: str, value: Any, where: str) -> None:
    if isinstance(value, _PRIMITIVES):
        return
    if isinstance(value, list | tuple):
        for item in value:
            _ids_only(name, item, where)
        return
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        for item in value.values():
            _ids_only(name, item, where)
        return
    raise TypeError(
        f"task {name}: {where} is a {type(value).__name__}; tasks take ids and plain "
        "values only (pass obj.pk and fetch it in the task)"
    )


def check_ids_only(name: str, args: Any, kwargs: Any) -> None:
    for index, value in enumerate(args or ()):
        _ids_only(name, value, f"argument {index}")
    for key, value in (kwargs or {}).items():
        _ids_only(name, value, f"argument {key!r}")


class Task(celery.Task):
    """The base of every task (see the module docstring)."""

    autoretry_for = CONNECTION_ERRORS
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 8
    org_scoped = False

    def apply_async(self, args: Any = None, kwargs: Any = None, **options: Any) -> Any:
        check_ids_only(self.name, args, kwargs)
        return super().apply_async(args, kwargs, **options)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        pending = (getattr(self.request, "headers", None) or {}).get(PENDING_HEADER)
        org_id = kwargs.get("org_id") if self.org_scoped else None
        if self.org_scoped and org_id is None:
            raise TypeError(f"task {self.name} is org-scoped: call it with org_id=")
        # A task never runs in its caller's scope (an eager task inside a view): its own
        # org's scope for an OrgTask, no scope otherwise.
        with org_scope(org_id) if org_id is not None else scopes_disabled():
            result = super().__call__(*args, **kwargs)
        if pending:
            from astn.core.services import pending_task_done

            pending_task_done(pending_id=pending[0], version=pending[1])
        return result


class OrgTask(Task):
    """A task that acts for one org: called with `org_id=`, it runs inside that org's scope."""

    org_scoped = True


@shared_task
def heartbeat_task() -> str:
    """Log that the worker received a beat-scheduled task through Redis."""
    from django.utils import timezone

    now = timezone.now().isoformat(timespec="seconds")
    logging.getLogger("astn.heartbeat").info("heartbeat: worker alive at %s", now)
    return now


@shared_task
def pending_tasks_task() -> int:
    """The `pending_tasks` job (every minute): send the follow-ups the broker never took."""
    from astn.core.services import pending_tasks_send

    return pending_tasks_send()
