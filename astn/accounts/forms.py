from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from astn.accounts.models import validate_timezone


class SignupForm(AllauthSignupForm):
    """allauth's sign-up plus the member's name and time zone (guessed by the browser)."""

    name = forms.CharField(max_length=150, label="Your name")
    timezone = forms.CharField(
        max_length=64, required=False, widget=forms.HiddenInput, validators=[validate_timezone]
    )

    field_order = ["name", "email", "password1", "password2", "timezone"]
