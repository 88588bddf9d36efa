"""Forms of attendance imports: the upload, and the preview's choices (format, columns,
event). Both validate only; services do the work."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from attendance.imports.files import max_bytes
from attendance.imports.formats import CHOICES
from attendance.imports.formats.generic import FIELDS
from events.models import Event
from orgs.models import Organization


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Attendance file",
        help_text="CSV, TSV or Excel (.xlsx) as your event platform exported it.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(
                f"This file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{max_bytes() // (1024 * 1024)} MB."
            )
        return upload


class ImportOptionsForm(forms.Form):
    """The choices on the preview. Submitted by GET to refresh the preview, by POST to import."""

    format = forms.ChoiceField(label="Format", choices=CHOICES)
    event = forms.ModelChoiceField(
        label="Event",
        queryset=Event.objects.none(),
        required=False,
        empty_label="Match events by date and title",
        help_text="Pick one event if the whole file is about it.",
    )
    create_events = forms.BooleanField(
        label="Create the events the file names that are not in ASTN yet",
        required=False,
        initial=True,
    )

    def __init__(self, *args, org: Organization, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = (
            Event.objects.for_org(org).exclude(status=Event.Status.CANCELLED).order_by("-start")
        )
        self.fields["event"].label_from_instance = lambda e: f"{e.title} · {e.start:%d %b %Y}"
        column_choices = [("", "— not in the file —")] + [(c, c) for c in columns]
        for key, (label, _) in FIELDS.items():
            self.fields[f"map_{key}"] = forms.ChoiceField(
                label=label, choices=column_choices, required=False
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def mapping(self) -> dict[str, str]:
        return {
            key: self.cleaned_data[f"map_{key}"]
            for key in FIELDS
            if self.cleaned_data.get(f"map_{key}")
        }

    def options(self) -> dict:
        event = self.cleaned_data.get("event")
        if event is not None:
            return {"event_id": event.pk}
        return {"create_events": bool(self.cleaned_data.get("create_events"))}


class ImportThresholdForm(forms.Form):
    minutes = forms.IntegerField(
        label="Counts as attended after (minutes)",
        min_value=0,
        max_value=600,
        help_text="For reports that only give each person's time in the session "
        "(Zoom meetings, Google Meet, Teams).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
