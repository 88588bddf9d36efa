"""Attendance reads (STYLE.md: selectors read, `access_*` fetchers 404).

- `rsvp`: the RSVP side (going counts, waitlist position, calendar feed, export).
- `answers`: after the event (signed-link check, pending questions, my history).
- `checkin`: the organiser's check-in list, counts, conflicts, feedback, admin history.

Everything is re-exported here, so other apps import `attendance.selectors.<name>`.
"""

from attendance.selectors.answers import (
    PENDING_REACH,
    LinkRevoked,
    access_my_attendance,
    attendance_for_token,
    my_attendance_history,
    pending_answers,
)
from attendance.selectors.checkin import (
    CheckinCounts,
    admin_attendance_history,
    attendance_history_visible_to_admins,
    checkin_conflicts,
    checkin_counts,
    checkin_rows,
    feedback_summary,
)
from attendance.selectors.rsvp import (
    FEED_HISTORY,
    access_event_for_rsvp,
    attendance_export_for_user,
    attendance_get,
    calendar_feed_attendances,
    calendar_feed_urls,
    going_count,
    going_counts,
    profile_for_calendar_token,
    seats_held,
    upcoming_rsvps,
    viewer_is_going,
    waitlist_position,
)

__all__ = [
    "FEED_HISTORY",
    "PENDING_REACH",
    "CheckinCounts",
    "LinkRevoked",
    "access_event_for_rsvp",
    "access_my_attendance",
    "admin_attendance_history",
    "attendance_export_for_user",
    "attendance_for_token",
    "attendance_get",
    "attendance_history_visible_to_admins",
    "calendar_feed_attendances",
    "calendar_feed_urls",
    "checkin_conflicts",
    "checkin_counts",
    "checkin_rows",
    "feedback_summary",
    "going_count",
    "going_counts",
    "my_attendance_history",
    "pending_answers",
    "profile_for_calendar_token",
    "seats_held",
    "upcoming_rsvps",
    "viewer_is_going",
    "waitlist_position",
]
