import logging

from celery import shared_task

logger = logging.getLogger("astn.heartbeat")


@shared_task
def heartbeat_task() -> str:
    """Log that the worker received a beat-scheduled task through Redis."""
    from django.utils import timezone

    now = timezone.now().isoformat(timespec="seconds")
    logger.info("heartbeat: worker alive at %s", now)
    return now
