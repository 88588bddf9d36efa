"""Every write of `events` (STYLE.md): events by admins, calendar sources.

The calendar sync itself lives in `events.sync`.
"""

from events.services.events import (
    Repeat,
    event_cancel,
    event_create,
    event_duplicate,
    event_publish,
    event_update,
    validate_event_values,
)
from events.services.sources import (
    calendar_sync_request,
    ics_feed_remove,
    ics_feed_set,
    luma_key_remove,
    luma_key_set,
)

__all__ = [
    "Repeat",
    "calendar_sync_request",
    "event_cancel",
    "event_create",
    "event_duplicate",
    "event_publish",
    "event_update",
    "ics_feed_remove",
    "ics_feed_set",
    "luma_key_remove",
    "luma_key_set",
    "validate_event_values",
]
