from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from astn.accounts.services import profile_timezone_set
from astn.core.http import safe_next
from astn.core.mail import render_plain_text

# Where to go after verifying the email of a sign-up that began with `?next=` (an invite).
NEXT_AFTER_VERIFICATION = "astn_next_after_verification"


class AccountAdapter(DefaultAccountAdapter):
    """Store the member's name and browser time zone on sign-up.

    Also carries the sign-up's `?next=` across email verification: mandatory
    verification breaks the flow (sign up, open the email, confirm, log in), so the
    address is kept in the session and the log-in after confirming gets it back.
    That is how an invite link brings a new person back to its Join button.
    """

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.name = form.cleaned_data.get("name", "").strip()
        if commit:
            user.save()
            tz = form.cleaned_data.get("timezone")
            if tz:
                profile_timezone_set(user=user, timezone=tz)
        next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"), "")
        if next_url:
            request.session[NEXT_AFTER_VERIFICATION] = next_url
        return user

    def get_email_verification_redirect_url(self, email_address) -> str:
        next_url = self.request.session.pop(NEXT_AFTER_VERIFICATION, None)
        if next_url and not self.request.user.is_authenticated:
            return f"{reverse('account_login')}?next={quote(next_url)}"
        if next_url:  # signed in by the confirmation itself (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION)
            return next_url
        return super().get_email_verification_redirect_url(email_address)

    def render_mail(self, template_prefix, email, context, headers=None):
        """Render as allauth does, but the text part without HTML autoescaping ("Q&A", not
        "Q&amp;A"); the HTML part stays escaped."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if message.content_subtype == "html":
            return message  # no text template: the body is the HTML part
        message.body = render_plain_text(f"{template_prefix}_message.txt", context).strip()
        return message
