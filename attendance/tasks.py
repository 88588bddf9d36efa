"""Celery tasks of attendance: ids in, one service call."""

from __future__ import annotations

from celery import shared_task

from attendance import services
from events.models import Event


@shared_task
def event_cancelled_notify_task(event_id: int, reason: str = "") -> int:
    return services.event_cancelled_notify(event_id=event_id, reason=reason)


@shared_task
def waitlist_promote_task(event_id: int) -> int:
    event = Event.objects.filter(pk=event_id).first()
    return len(services.waitlist_promote(event=event)) if event else 0


@shared_task
def event_reminders_task() -> int:
    """The `event_reminders` job (every 10 min): reminders 1 day and 1 hour before."""
    from django.utils import timezone

    from attendance.services.reminders import reminders_send

    return reminders_send(now=timezone.now())


@shared_task
def attendance_prompts_task() -> int:
    from attendance.services.prompts import prompts_send_due

    return prompts_send_due()


@shared_task
def event_change_notices_task() -> int:
    """The `event_change_notices` job (every minute): debounced "event changed" emails."""
    from django.utils import timezone

    from attendance.services.changes import event_change_notices_send

    return event_change_notices_send(now=timezone.now())


@shared_task(acks_late=True)
def attendance_import_run_task(import_id: int) -> str:
    """Run a confirmed attendance import (#11); a running or finished one is left alone."""
    from attendance.services.imports import import_run

    imp = import_run(import_id=import_id)
    return imp.status if imp else "skipped"


@shared_task
def attendance_import_preview_task(
    import_id: int, format: str, mapping: dict | None, options: dict
) -> str:
    """Count what a big import would do with the admin's choices; nothing is written."""
    from attendance.services.import_previews import import_preview_count

    return import_preview_count(
        import_id=import_id, format=format, mapping=mapping, options=options
    )


@shared_task
def attendance_imports_sweep_task() -> str:
    """The `attendance_imports_sweep` job (every 5 min): queued, interrupted, stale imports."""
    from django.utils import timezone

    from attendance.services.imports import imports_sweep

    return str(imports_sweep(now=timezone.now()))
