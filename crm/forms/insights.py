"""The follow-up form (from any insight row, or the follow-ups page)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from crm.models import FollowUp
from orgs.models import Membership


class AdminChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name or obj.email


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(choices=FollowUp.Kind.choices, initial=FollowUp.Kind.OUTREACH)
    note = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    assignee = AdminChoiceField(queryset=None, required=False, empty_label="Nobody in particular")
    due_on = forms.DateField(
        label="Due", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        from astn.accounts.models import User

        self.fields["assignee"].queryset = User.objects.filter(
            memberships__in=Membership.objects.admins().filter(org=org)
        ).order_by("name", "email")
        self.fields["due_on"].error_messages["invalid"] = "Enter a date like 2026-12-31."
        self.helper = FormHelper()
        self.helper.form_tag = False
