"""The organiser's message to a segment of an event's people (issue #10)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms

from attendance.models import EventMessage
from attendance.services.messages import MAX_BODY, MAX_SUBJECT


class EventMessageForm(forms.Form):
    """Who gets it (with each group's count in its label), the subject and a markdown body."""

    segment = forms.ChoiceField(
        label="Send to",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who gets the message."},
    )
    subject = forms.CharField(
        max_length=MAX_SUBJECT,
        error_messages={"required": "Give the message a subject."},
    )
    body = forms.CharField(
        label="Message",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown works: **bold**, *italic*, [links](https://…), lists with “- ”.",
        error_messages={"required": "Write the message."},
    )

    def __init__(self, *args, segments: list[str], counts: dict[str, int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(EventMessage.Segment.choices)
        self.fields["segment"].choices = [
            (segment, f"{labels[segment]} ({counts.get(segment, 0)})") for segment in segments
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("segment"), Field("subject"), Field("body", css_class="font-monospace")
        )
