"""Kernel models: follow-ups that committed actions still owe (see astn/core/services.py)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class PendingTask(models.Model):
    """A task a committed action asked for, kept until a worker has run it.

    Written in the action's own transaction by `task_enqueue`; the worker deletes
    it when the task returns (if `version` is still the one it was sent with: a
    newer request for the same `key` keeps the row for one more run). The
    `pending_tasks` job sends rows the broker never took, and re-sends rows whose
    task never finished, up to `MAX_DISPATCHES` times.
    """

    MAX_DISPATCHES = 5

    key = models.CharField(max_length=200, unique=True)
    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    dispatches = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["dispatched_at", "created_at"], name="core_pending_due_idx")
        ]

    def __str__(self) -> str:
        return f"{self.task} ({self.key})"
