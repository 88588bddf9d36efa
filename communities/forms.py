"""Forms of communities: validation and crispy layout only (writes live in services)."""

from __future__ import annotations

import json
import zoneinfo

from crispy_forms.helper import FormHelper
from django import forms

from communities import intake
from communities.models import Community

TIMEZONES = sorted(zoneinfo.available_timezones())


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class CommunityForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=[(z, z.replace("_", " ")) for z in TIMEZONES],
        help_text="Rounds open on the 1st and deadlines end at midnight in this zone.",
    )

    class Meta:
        model = Community
        fields = [
            "name",
            "slug",
            "description",
            "signup_deadline_day",
            "match_day",
            "call_minutes",
            "no_repeat_rounds",
            "timezone",
            "active",
        ]
        labels = {
            "slug": "Public address",
            "signup_deadline_day": "Signup deadline (day of the month)",
            "match_day": "Match day (day of the month)",
            "call_minutes": "Call length (minutes)",
        }
        help_texts = {
            "slug": "People join at /join/your-address/ (letters, digits, hyphens).",
            "signup_deadline_day": "In short months a late day means the month's last day.",
            "no_repeat_rounds": "Two people are not matched again within this many rounds.",
            "active": "Inactive communities open no rounds and take no new members.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.helper = _helper()

    def validate_unique(self):
        """The service checks the slug (with a clearer message); skip the model's check."""

    def _post_clean(self):
        # The service validates the instance (slug, days, questions); skip model full_clean.
        pass


class QuestionForm(forms.Form):
    id = forms.CharField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(label="Question", max_length=200, required=False)
    kind = forms.ChoiceField(label="Answer", choices=list(intake.KINDS.items()))
    choices = forms.CharField(
        label="Choices (one per line)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For single and multiple choice.",
    )
    required = forms.BooleanField(required=False)


QuestionFormSet = forms.formset_factory(
    QuestionForm, extra=1, can_order=True, can_delete=True, max_num=intake.MAX_QUESTIONS
)


def questions_from_formset(formset) -> list[dict]:
    """The formset's questions in the order the organiser gave (deleted and blank ones out)."""
    rows = []
    for position, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE") or not data.get("label"):
            continue
        order = data.get("ORDER")
        rows.append(
            (
                order if order is not None else 10_000 + position,
                position,
                {
                    "id": data.get("id") or "",
                    "kind": data["kind"],
                    "label": data["label"],
                    "choices": [c for c in (data.get("choices") or "").splitlines() if c.strip()],
                    "required": data.get("required", False),
                },
            )
        )
    return [question for _, _, question in sorted(rows, key=lambda r: (r[0], r[1]))]


def formset_initial(questions: list[dict]) -> list[dict]:
    return [
        {
            "id": q["id"],
            "label": q["label"],
            "kind": q["kind"],
            "choices": "\n".join(q.get("choices") or []),
            "required": q.get("required", False),
            "ORDER": i,
        }
        for i, q in enumerate(questions, start=1)
    ]


class JoinForm(forms.Form):
    name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(
        max_length=40,
        required=False,
        label="Phone (optional)",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class IntakeForm(forms.Form):
    """The round's questions as fields `answer_<id>`, plus the availability JSON."""

    availability = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, questions: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            name = f"answer_{q['id']}"
            required = bool(q.get("required"))
            if q["kind"] == "short":
                field = forms.CharField(max_length=intake.SHORT_MAX, required=required)
            elif q["kind"] == "long":
                field = forms.CharField(
                    max_length=intake.LONG_MAX,
                    required=required,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            elif q["kind"] == "single":
                field = forms.ChoiceField(
                    choices=[(c, c) for c in q["choices"]],
                    required=required,
                    widget=forms.RadioSelect,
                )
            else:
                field = forms.MultipleChoiceField(
                    choices=[(c, c) for c in q["choices"]],
                    required=required,
                    widget=forms.CheckboxSelectMultiple,
                )
            field.label = q["label"]
            self.fields[name] = field
        self.order_fields([f"answer_{q['id']}" for q in questions] + ["availability"])
        self.helper = _helper()

    def clean_availability(self):
        raw = self.cleaned_data.get("availability") or ""
        try:
            return json.loads(raw) if raw else {}
        except ValueError:
            raise forms.ValidationError(
                "Your availability could not be read. Please pick it again."
            ) from None

    def answers(self) -> dict:
        return {
            q["id"]: self.cleaned_data.get(f"answer_{q['id']}")
            or ([] if q["kind"] == "multi" else "")
            for q in self.questions
        }


class DateForm(forms.Form):
    until = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, label: str = "Until", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["until"].label = label
        self.helper = _helper()


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="New start",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )


class NeverPairForm(forms.Form):
    emails = forms.CharField(
        label="Add by email address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "one address per line"}),
        help_text="We never tell anyone who is on your list, or whether an address is a member.",
    )
    partners = forms.TypedMultipleChoiceField(
        label="People you were matched with",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].choices = [(p.pk, p.display_name) for p in partners]
        if not partners:
            del self.fields["partners"]
        self.helper = _helper()

    def email_list(self) -> list[str]:
        raw = self.cleaned_data.get("emails") or ""
        return [e.strip() for e in raw.replace(",", "\n").splitlines() if e.strip()][:50]
