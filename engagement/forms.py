"""Forms for engagement: validation and crispy layout only."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from engagement.models import Level
from engagement.services.overrides import REASON_MAX


class OverrideForm(forms.Form):
    """An admin's level for one membership, with the reason (required)."""

    level = forms.ChoiceField(
        choices=Level.choices,
        error_messages={"invalid_choice": "Pick one of the listed levels."},
    )
    reason = forms.CharField(
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Other admins see this in the history.",
        error_messages={"required": "Say why you are overriding the level."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why you are overriding the level.")
        return reason


class OverrideClearForm(forms.Form):
    """Clearing an override: the reason is optional but recorded."""

    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        label="Why (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
