"""The member's own pages: profile and location (`/me/profile/`), data export, account deletion."""

from __future__ import annotations

import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView

from astn.accounts.deletion import deletion_notes_for
from astn.accounts.export import export_for_user, export_sections
from astn.accounts.forms import DeleteAccountForm, LocationForm, ProfileForm
from astn.accounts.models import Profile
from astn.accounts.services import (
    AccountError,
    account_delete,
    profile_location_set,
    profile_location_withdraw,
    profile_update,
)
from astn.core.http import safe_next


class ProfileView(LoginRequiredMixin, TemplateView):
    """GET shows the profile and location forms; POST saves one of them (`section`)."""

    template_name = "accounts/profile_form.html"

    def _profile(self) -> Profile:
        return Profile.objects.select_related("user").get(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        profile = self._profile()
        context.setdefault(
            "form",
            ProfileForm(
                initial={
                    "name": profile.user.name,
                    "headline": profile.headline,
                    "city": profile.city,
                    "timezone": profile.timezone,
                    "career_stage": profile.career_stage,
                    "skills": profile.skills,
                    "interests": profile.interests,
                    "bio": profile.bio,
                }
            ),
        )
        context.setdefault(
            "location_form",
            LocationForm(
                initial={
                    "share": profile.location_discoverable,
                    "lat": profile.lat,
                    "lng": profile.lng,
                }
            ),
        )
        context["profile"] = profile
        return context

    def post(self, request):
        if request.POST.get("section") == "location":
            return self._post_location(request)
        form = ProfileForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Please correct the errors below; nothing was saved.")
            return self.render_to_response(self.get_context_data(form=form), status=400)
        profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Profile saved.")
        return redirect("accounts:profile")

    def _post_location(self, request):
        form = LocationForm(request.POST)
        if form.is_valid():
            if not form.cleaned_data["share"]:
                profile_location_withdraw(user=request.user)
                messages.success(
                    request, "Location sharing is off and your coordinates are deleted."
                )
                return redirect("accounts:profile")
            try:
                profile_location_set(
                    user=request.user, lat=form.cleaned_data["lat"], lng=form.cleaned_data["lng"]
                )
            except AccountError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Location saved. Orgs near you now come first.")
                return redirect("accounts:profile")
        messages.error(request, "Your location was not saved.")
        context = self.get_context_data(location_form=form)
        return self.render_to_response(context, status=400)


@reauthentication_required
def _export_download(request):
    document = export_for_user(request.user)
    body = json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="astn-export-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_view(request):
    """GET shows what the export holds; `?download=json` (after re-authentication) downloads it."""
    if request.GET.get("download") == "json":
        return _export_download(request)
    sections = [name.replace("_", " ") for name in export_sections()]
    return render(request, "accounts/export.html", {"sections": sections})


@method_decorator(reauthentication_required, name="post")
class AccountDeleteView(LoginRequiredMixin, View):
    """GET explains what deletion does; POST (after re-authentication) deletes the account."""

    template_name = "accounts/account_delete.html"

    def get(self, request):
        return self._render(request, DeleteAccountForm())

    def post(self, request):
        form = DeleteAccountForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        account_delete(user=request.user)
        logout(request)
        messages.success(
            request, "Your account is deleted. Thank you for having been part of ASTN."
        )
        return redirect("/")

    def _render(self, request, form, status=200):
        context = {"form": form, "notes": deletion_notes_for(request.user)}
        return render(request, self.template_name, context, status=status)


def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The Django admin's login page, replaced (DESIGN §12): staff sign in through
    allauth — its rate limits, lockout after failed attempts, verified email — and
    come back. A signed-in member who is not staff gets 403, never a second form."""
    next_url = safe_next(request, request.GET.get(REDIRECT_FIELD_NAME), reverse("admin:index"))
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(next_url)
        raise PermissionDenied("Your account has no access to the staff admin.")
    return redirect_to_login(next_url, login_url=reverse("account_login"))
