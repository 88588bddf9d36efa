"""Writes for engagement, one module per concern.

- `activity`: `activity_record`, `activity_record_many` — the public API of the log
- `overrides`: `override_set`, `override_clear`
"""

from engagement.services.activity import (
    ActivityError,
    ActivityItem,
    activity_record,
    activity_record_many,
)
from engagement.services.overrides import override_clear, override_set

__all__ = [
    "ActivityError",
    "ActivityItem",
    "activity_record",
    "activity_record_many",
    "override_clear",
    "override_set",
]
