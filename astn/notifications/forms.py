from crispy_bootstrap5.bootstrap5 import Switch
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Fieldset, Layout
from django import forms

from astn.accounts.models import EventMode, NotificationSettings, PrivacySettings


class NotificationSettingsForm(forms.ModelForm):
    """How often ASTN may email a member, on /me/settings/."""

    event_mode = forms.ChoiceField(
        label="New events from your orgs",
        choices=EventMode.choices,
        widget=forms.RadioSelect,
        help_text="Muted orgs never send event emails, whatever you choose here.",
    )

    class Meta:
        model = NotificationSettings
        fields = [
            "event_mode",
            "remind_day_before",
            "remind_hour_before",
            "attendance_prompts",
            "community_emails",
        ]
        help_texts = {
            "remind_day_before": "For events you said you're going to or might go to.",
            "remind_hour_before": "With the place or the online link, so you can just go.",
            "attendance_prompts": (
                "One tap a few hours after an event, so organisers know who came."
                " We ask at most twice."
            ),
            "community_emails": "Invitations to monthly 1:1 matching rounds and your matches.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset("", Field("event_mode")),
            HTML('<h3 class="h6 fw-semibold mt-4 mb-3">Reminders</h3>'),
            Switch("remind_day_before"),
            Switch("remind_hour_before"),
            HTML('<h3 class="h6 fw-semibold mt-4 mb-3">After events and in communities</h3>'),
            Switch("attendance_prompts"),
            Switch("community_emails"),
        )


class PrivacySettingsForm(forms.ModelForm):
    """What org admins may see, and whether AI may classify the member."""

    class Meta:
        model = PrivacySettings
        fields = [
            "attendance_visible_to_admins",
            "profile_visible_to_admins",
            "ai_classification_opt_out",
        ]
        help_texts = {
            "attendance_visible_to_admins": (
                "Admins of orgs you belong to see which of their events you attended."
                " Switch off and they see only their totals."
            ),
            "profile_visible_to_admins": (
                "Your headline, bio, city, skills and interests on their member pages."
            ),
            "ai_classification_opt_out": (
                "Orgs see how engaged their members are. With this on, yours is worked out"
                " by simple counting rules only, never by a language model."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*(Switch(name) for name in self.Meta.fields))
