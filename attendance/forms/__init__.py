"""Attendance forms: `rsvp` (the RSVP widget) and `answers` (after the event, check-in)."""

from attendance.forms.answers import (
    STARS_MESSAGE,
    AnswerForm,
    CheckinMarkForm,
    FeedbackForm,
    WalkInForm,
)
from attendance.forms.rsvp import RsvpForm

__all__ = [
    "STARS_MESSAGE",
    "AnswerForm",
    "CheckinMarkForm",
    "FeedbackForm",
    "RsvpForm",
    "WalkInForm",
]
