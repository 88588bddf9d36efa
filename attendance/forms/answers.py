"""Forms for answers after an event (token page, dashboard, history) and the check-in list.

The answer buttons and the star rating are rendered by their templates (rows of
submit buttons and radio stars); the forms only validate. The walk-in form has a
crispy layout.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms

from attendance.services.answers import FEEDBACK_MAX_LENGTH

STARS_MESSAGE = "Choose between 1 and 5 stars."


class AnswerForm(forms.Form):
    """Yes / no / remind me later / don't ask again."""

    ANSWERS = [
        ("yes", "Yes, I was there"),
        ("no", "No, I couldn't make it"),
        ("later", "Remind me later"),
        ("dismiss", "Don't ask about this event again"),
    ]

    answer = forms.ChoiceField(
        choices=ANSWERS,
        error_messages={
            "required": "Choose yes or no.",
            "invalid_choice": "Choose yes or no.",
        },
    )

    def __init__(self, *args, allow_later: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not allow_later:
            self.fields["answer"].choices = [c for c in self.ANSWERS if c[0] != "later"]


class FeedbackForm(forms.Form):
    """An optional 1–5 star rating and comment (never required to record attendance)."""

    rating = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=5,
        error_messages={
            "invalid": STARS_MESSAGE,
            "min_value": STARS_MESSAGE,
            "max_value": STARS_MESSAGE,
        },
    )
    comment = forms.CharField(
        label="Anything the organisers should know? (optional)",
        required=False,
        max_length=FEEDBACK_MAX_LENGTH,
        # No maxlength attribute: a browser would silently cut a pasted text short;
        # the server says how long it is instead, and keeps it for editing.
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": (
                f"Please keep your comment to {FEEDBACK_MAX_LENGTH:,} characters "
                "(it has %(show_value)d)."
            )
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].widget.attrs.pop("maxlength", None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("comment"))


class CheckinMarkForm(forms.Form):
    """Marks on the check-in list: a row button (`mark=<id>:<yes|no|unknown>`) or the bulk
    action (`action=<yes|no|unknown>` with ticked `ids`)."""

    VALUES = {"yes": True, "no": False, "unknown": None}

    def __init__(self, data, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self._data = data

    def clean(self):
        mark = self._data.get("mark", "")
        if mark:
            attendance_id, _, value = mark.partition(":")
            ids = [attendance_id]
        else:
            value = self._data.get("action", "")
            ids = self._data.getlist("ids")
        if value not in self.VALUES:
            raise forms.ValidationError("Choose attended, no-show or unknown.")
        try:
            parsed = [int(i) for i in ids]
        except ValueError:
            raise forms.ValidationError(
                "That selection did not make sense. Please try again."
            ) from None
        if not parsed:
            raise forms.ValidationError("Tick at least one person first.")
        return {"ids": parsed, "attended": self.VALUES[value]}


class WalkInForm(forms.Form):
    """Someone came who is not on the list."""

    email = forms.CharField(label="Email", max_length=254)
    name = forms.CharField(label="Name (optional)", max_length=150, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(
            {"placeholder": "name@example.org", "autocomplete": "off", "inputmode": "email"}
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("email"), Field("name"))
