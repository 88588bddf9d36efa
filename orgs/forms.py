"""Forms for orgs: validation and crispy layout only; the views hand cleaned data to services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout
from django import forms
from django.utils import timezone

from orgs.models import Membership, Organization

RESERVED_SLUGS = frozenset({"new"})


class OrgSearchForm(forms.Form):
    """The browse filters on `/orgs/` (a GET form; every field optional)."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    city = forms.CharField(required=False, max_length=100)
    online = forms.BooleanField(required=False, label="Online communities only")
    near = forms.BooleanField(required=False, label="Near me")


def _geolocate_button() -> HTML:
    return HTML(
        '<button type="button" class="btn btn-outline-secondary btn-sm mb-3" data-geolocate>'
        '<i class="bi bi-crosshair me-1"></i>Use this device’s location</button>'
        '<span class="small text-body-secondary ms-2" data-geolocate-status></span>'
    )


class OrganizationForm(forms.ModelForm):
    """An org's public profile: create (`/orgs/new/`) and edit (settings)."""

    website = forms.URLField(required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Organization
        fields = [
            "name",
            "slug",
            "description",
            "website",
            "city",
            "is_online",
            "lat",
            "lng",
            "discoverable",
        ]
        labels = {"slug": "Address", "lat": "Latitude", "lng": "Longitude"}
        help_texts = {
            "slug": "Your page will be /orgs/your-address/: lower-case letters, digits, hyphens.",
            "lat": "Decimal degrees, -90 to 90 (e.g. 52.52 for Berlin). Leave empty if none.",
            "lng": "Decimal degrees, -180 to 180 (e.g. 13.405 for Berlin).",
            "city": "Where you usually meet. Leave empty for an online-only community.",
        }
        error_messages = {"slug": {"unique": "That address is already taken. Try another one."}}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "lat": forms.NumberInput(attrs={"step": "any", "data-geolocate-lat": ""}),
            "lng": forms.NumberInput(attrs={"step": "any", "data-geolocate-lng": ""}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "name",
            Field("slug", placeholder="generated from the name if left empty"),
            "description",
            "website",
            Div(Div("city", css_class="col-md-6"), css_class="row"),
            "is_online",
            Div(
                Div("lat", css_class="col-md-6"),
                Div("lng", css_class="col-md-6"),
                css_class="row",
            ),
            _geolocate_button(),
            "discoverable",
        )

    def clean_slug(self) -> str:
        slug = (self.cleaned_data.get("slug") or "").strip().lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError("That address is reserved. Try another one.")
        if not slug and self.instance.pk:
            raise forms.ValidationError("An address is required.")
        return slug

    def clean(self):
        cleaned = super().clean()
        lat, lng = cleaned.get("lat"), cleaned.get("lng")
        if (lat is None) != (lng is None) and "lat" not in self.errors and "lng" not in self.errors:
            raise forms.ValidationError("Give both latitude and longitude, or neither.")
        return cleaned


class InviteLinkForm(forms.Form):
    EXPIRY_CHOICES = [
        ("", "Never"),
        ("1", "In 1 day"),
        ("7", "In 7 days"),
        ("30", "In 30 days"),
        ("90", "In 90 days"),
    ]

    label = forms.CharField(
        max_length=100,
        required=False,
        help_text="For you: where you share this link (e.g. “Newsletter”, “Flyer”).",
    )
    expires_in_days = forms.TypedChoiceField(
        choices=EXPIRY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        label="Expires",
    )
    max_uses = forms.IntegerField(
        min_value=1,
        max_value=100_000,
        required=False,
        help_text="Leave empty for no limit.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(
                Div("label", css_class="col-md-5"),
                Div("expires_in_days", css_class="col-md-3"),
                Div("max_uses", css_class="col-md-4"),
                css_class="row",
            )
        )

    @property
    def expires_at(self):
        days = self.cleaned_data.get("expires_in_days")
        return timezone.now() + timezone.timedelta(days=days) if days else None


class PromoteAdminForm(forms.Form):
    """Choose a current member (with an account) of the org to make an admin."""

    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        label="Member",
        empty_label="Choose a member…",
        error_messages={"invalid_choice": "Choose one of this organisation’s current members."},
    )

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (
            Membership.objects.for_org(org)
            .active()
            .filter(user__isnull=False, role=Membership.Role.MEMBER)
            .select_related("user")
            .order_by("user__name", "user__email")
        )
        self.fields["membership"].label_from_instance = lambda m: (
            f"{m.display_name} ({m.user.email})"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
