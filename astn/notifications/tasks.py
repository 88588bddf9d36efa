"""Celery entry points. Each is a thin wrapper around one service (STYLE.md)."""

from celery import shared_task

from astn.notifications import services


@shared_task
def outbox_send_due_task() -> int:
    """Send the emails that are due; queued by `email_enqueue` on commit."""
    return services.outbox_send_due().total


@shared_task
def outbox_sweep_task() -> int:
    """Send emails stuck in `queued` (lost task, dead worker, retry due); every 5 minutes."""
    return services.outbox_send_due().total


@shared_task
def outbox_retention_task() -> int:
    """Delete sent and cancelled emails past the retention period; daily."""
    return services.outbox_purge_old()
