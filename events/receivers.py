"""Receivers `events` connects to its own signals (in `EventsConfig.ready()`)."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def announce_published_event(sender, event, **kwargs) -> None:
    """Queue the announcements of a just-published event (the signal is sent on commit).

    If the broker cannot be reached, the `event_announcements` job sends them
    within ten minutes.
    """
    from kombu.exceptions import OperationalError

    from events.tasks import event_announcements_task

    try:
        event_announcements_task.delay(org_id=event.org_id)
    except (OperationalError, ConnectionError):
        logger.warning(
            "announcements: broker unreachable; the job will announce event %s", event.pk
        )
