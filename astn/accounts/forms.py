from allauth.account.forms import SignupForm as AllauthSignupForm
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout
from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from astn.accounts.models import CareerStage, validate_timezone
from astn.core.timezones import zone_names

MAX_SKILLS = 20


class SignupForm(AllauthSignupForm):
    """allauth's sign-up plus the member's name and time zone (guessed by the browser)."""

    name = forms.CharField(max_length=150, label="Your name")
    timezone = forms.CharField(
        max_length=64, required=False, widget=forms.HiddenInput, validators=[validate_timezone]
    )

    field_order = ["name", "email", "password1", "password2", "timezone"]


class SkillsField(forms.CharField):
    """Comma-separated tags in, a clean list out (trimmed, de-duplicated, at most 20)."""

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        skills: list[str] = []
        for raw in text.split(","):
            skill = " ".join(raw.split())
            if skill and skill.lower() not in (s.lower() for s in skills):
                skills.append(skill)
        return skills

    def validate(self, value) -> None:
        super().validate(value)
        # CharField's own NUL check reads str(value), where a list shows NUL as "\\x00".
        for skill in value:
            ProhibitNullCharactersValidator()(skill)
        if len(value) > MAX_SKILLS:
            raise forms.ValidationError(f"List at most {MAX_SKILLS} skills.")
        too_long = [s for s in value if len(s) > 50]
        if too_long:
            raise forms.ValidationError(f"“{too_long[0][:60]}” is longer than 50 characters.")

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value


class ProfileForm(forms.Form):
    """What a member tells ASTN about themselves (`/me/profile/`), location aside."""

    name = forms.CharField(max_length=150, label="Your name")
    headline = forms.CharField(
        max_length=140, required=False, help_text="One line, e.g. “Data engineer and cyclist”."
    )
    city = forms.CharField(max_length=100, required=False)
    timezone = forms.ChoiceField(label="Time zone", help_text="Event times are shown in it.")
    career_stage = forms.ChoiceField(
        choices=[("", "Prefer not to say"), *CareerStage.choices], required=False
    )
    skills = SkillsField(
        required=False, help_text="Comma-separated, e.g. “python, facilitation, design”."
    )
    interests = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you would like to learn or talk about. Used to suggest orgs.",
    )
    bio = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(tz, tz) for tz in sorted(zone_names())]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(
                Div("name", css_class="col-md-6"),
                Div("headline", css_class="col-md-6"),
                css_class="row",
            ),
            Div(
                Div("city", css_class="col-md-4"),
                Div("timezone", css_class="col-md-4"),
                Div("career_stage", css_class="col-md-4"),
                css_class="row",
            ),
            "skills",
            "interests",
            "bio",
        )


class LocationForm(forms.Form):
    """Opt in to location-based suggestions with coordinates, or withdraw (deletes them)."""

    share = forms.BooleanField(
        required=False,
        label="Use my location to suggest nearby orgs and sort “near me”",
        widget=forms.CheckboxInput(attrs={"data-geolocate-consent": ""}),
    )
    lat = forms.FloatField(
        required=False,
        min_value=-90,
        max_value=90,
        label="Latitude",
        widget=forms.NumberInput(attrs={"step": "any", "data-geolocate-lat": ""}),
    )
    lng = forms.FloatField(
        required=False,
        min_value=-180,
        max_value=180,
        label="Longitude",
        widget=forms.NumberInput(attrs={"step": "any", "data-geolocate-lng": ""}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("share"),
            Div(
                Div("lat", css_class="col-md-6"), Div("lng", css_class="col-md-6"), css_class="row"
            ),
            HTML(
                '<button type="button" class="btn btn-outline-secondary btn-sm" data-geolocate>'
                '<i class="bi bi-crosshair me-1"></i>Use this device’s location</button>'
                '<span class="small text-body-secondary ms-2" data-geolocate-status></span>'
            ),
        )

    def clean(self):
        cleaned = super().clean()
        missing = cleaned.get("lat") is None or cleaned.get("lng") is None
        if cleaned.get("share") and not self.errors and missing:
            raise forms.ValidationError(
                "To share your location, use this device’s location or type both coordinates."
            )
        return cleaned


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that my account and profile are deleted for good.",
        error_messages={"required": "Tick the box to confirm."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
