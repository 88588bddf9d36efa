"""Program forms: details + sessions, linking sessions, enrolling people, overrides."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms

from crm.models import Enrollment, Program
from events.models import Event


class EventChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Event) -> str:
        return f"{obj.start:%d %b %Y} · {obj.title}"


class ProgramForm(forms.ModelForm):
    """A program's details. On create it also picks the first sessions."""

    sessions = EventChoiceField(
        queryset=Event.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Events of this organisation that belong to the program. You can link "
        "more later from the program page.",
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "kind",
            "description",
            "starts_on",
            "ends_on",
            "capacity",
            "open_for_requests",
            "completion_rule",
            "required_sessions",
        ]
        labels = {
            "starts_on": "Starts",
            "ends_on": "Ends",
            "required_sessions": "Sessions to attend",
            "open_for_requests": "Members can ask to join",
        }
        help_texts = {
            "capacity": "Leave empty for no limit.",
            "required_sessions": "With “Attend at least N sessions”: participants complete "
            "automatically once they attended this many.",
        }
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "completion_rule": forms.RadioSelect,
        }

    def __init__(self, *args, events=None, with_sessions: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_sessions"].min_value = 0
        if with_sessions and events is not None:
            self.fields["sessions"].queryset = events
        else:
            del self.fields["sessions"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        layout = [
            "name",
            Div(
                Div("kind", css_class="col-sm-6"),
                Div("capacity", css_class="col-sm-6"),
                css_class="row",
            ),
            "description",
            Div(
                Div("starts_on", css_class="col-sm-6"),
                Div("ends_on", css_class="col-sm-6"),
                css_class="row",
            ),
            "completion_rule",
            Field("required_sessions", wrapper_class="col-sm-6 px-0"),
            "open_for_requests",
        ]
        if "sessions" in self.fields:
            layout.append(Field("sessions", wrapper_class="astn-checklist"))
        self.helper.layout = Layout(*layout)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the program a name.")
        return name

    def program_values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("sessions", None)
        return data


class SessionLinkForm(forms.Form):
    events = EventChoiceField(queryset=Event.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].queryset = events
        self.fields["events"].error_messages["required"] = "Pick at least one event to link."
        self.fields["events"].error_messages["invalid_choice"] = (
            "That event is not one of this organisation's events you can link."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False


class StatusForm(forms.Form):
    """An admin's override of one enrollment's status."""

    status = forms.ChoiceField(
        choices=[
            (Enrollment.Status.COMPLETED, "Completed"),
            (Enrollment.Status.DROPPED, "Dropped"),
            (Enrollment.Status.ENROLLED, "Enrolled (undo)"),
        ]
    )
    reason = forms.CharField(
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "Why? (kept with the change)"}),
        error_messages={"required": "Give a reason; it is kept with the change."},
    )
