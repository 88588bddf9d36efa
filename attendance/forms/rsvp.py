"""Forms of attendance. The RSVP form is a row of submit buttons, so it has no crispy layout."""

from __future__ import annotations

from django import forms

from attendance.models import Attendance


class RsvpForm(forms.Form):
    rsvp = forms.ChoiceField(
        choices=[(value, Attendance.Rsvp(value).label) for value in Attendance.MEMBER_CHOICES],
        error_messages={
            "required": "Choose going, maybe or not going.",
            "invalid_choice": "Choose going, maybe or not going.",
        },
    )
    # Set by the "Join and RSVP" button a non-member sees.
    join = forms.BooleanField(required=False)
