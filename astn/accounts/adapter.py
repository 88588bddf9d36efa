from allauth.account.adapter import DefaultAccountAdapter

from astn.accounts.services import profile_timezone_set


class AccountAdapter(DefaultAccountAdapter):
    """Store the member's name and browser time zone on sign-up."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.name = form.cleaned_data.get("name", "").strip()
        if commit:
            user.save()
            tz = form.cleaned_data.get("timezone")
            if tz:
                profile_timezone_set(user=user, timezone=tz)
        return user
