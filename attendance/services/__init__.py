"""Writes for attendance, one module per concern (STYLE: a module past ~500 lines splits).

- `rsvp`: `rsvp_set`, `rsvp_join_and_set`, `waitlist_promote`, `rsvps_release`
- `guests`: `luma_guests_sync` (lu.ma guests → RSVPs and check-ins)
- `notices`: telling people (waitlist promotion, cancelled event)
- `calendar`: `calendar_token_regenerate`
- `ledger`: the only code that changes `rsvp` / `attended`, writing `AttendanceChange`
"""

from attendance.services.calendar import calendar_token_regenerate
from attendance.services.guests import luma_guests_sync
from attendance.services.notices import event_cancelled_notify, waitlist_promotion_notify
from attendance.services.rsvp import (
    rsvp_join_and_set,
    rsvp_set,
    rsvps_release,
    waitlist_promote,
)

__all__ = [
    "calendar_token_regenerate",
    "event_cancelled_notify",
    "luma_guests_sync",
    "rsvp_join_and_set",
    "rsvp_set",
    "rsvps_release",
    "waitlist_promote",
    "waitlist_promotion_notify",
]
