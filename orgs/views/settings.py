"""`/orgs/<slug>/admin/settings/`: the org's profile, its admins and its invite links.

Every view here uses `OrgAdminRequiredMixin` (DESIGN §5). Role changes also need a
recent re-authentication (DESIGN §12): allauth asks for the password and then
replays the POST.
"""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView

from orgs.extensions import settings_sections_for
from orgs.forms import InviteLinkForm, OrganizationForm, PromoteAdminForm
from orgs.models import Membership
from orgs.permissions import OrgAdminRequiredMixin
from orgs.selectors import (
    access_invite_link_as_admin,
    access_membership_as_admin,
    invite_link_list,
    org_admin_list,
)
from orgs.services import (
    OrgsError,
    invite_link_create,
    invite_link_revoke,
    membership_role_set,
    org_update,
)


def _settings_url(org, anchor: str = "") -> str:
    url = reverse("orgs:settings", kwargs={"slug": org.slug})
    return f"{url}#{anchor}" if anchor else url


class OrgSettingsView(OrgAdminRequiredMixin, TemplateView):
    """GET shows every section; POST saves the org profile form."""

    permission = "org.settings"

    template_name = "orgs/organization_settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", OrganizationForm(instance=self.org))
        context.setdefault("invite_form", InviteLinkForm())
        context.setdefault("promote_form", PromoteAdminForm(org=self.org))
        context.update(
            admins=org_admin_list(org=self.org),
            invite_links=invite_link_list(org=self.org),
            extra_sections=settings_sections_for(self.request, self.org),
            site_url=self.request.build_absolute_uri("/").rstrip("/"),
        )
        return context

    def post(self, request, slug):
        # Bind to a copy so a failed save does not show half-changed values elsewhere.
        form = OrganizationForm(request.POST, instance=type(self.org).objects.get(pk=self.org.pk))
        if form.is_valid():
            try:
                org = org_update(org=self.org, acting_user=request.user, **form.cleaned_data)
            except OrgsError as error:
                form.add_error("slug" if error.code == "slug_taken" else None, error.message)
            else:
                messages.success(request, "Organisation details saved.")
                return redirect(_settings_url(org))
        messages.error(request, "Please correct the errors below; nothing was saved.")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class InviteLinkCreateView(OrgAdminRequiredMixin, View):
    """POST: create an invite link."""

    permission = "org.settings"

    def post(self, request, slug):
        form = InviteLinkForm(request.POST)
        if form.is_valid():
            try:
                invite_link_create(
                    org=self.org,
                    created_by=request.user,
                    label=form.cleaned_data["label"],
                    expires_at=form.expires_at,
                    max_uses=form.cleaned_data["max_uses"],
                )
            except OrgsError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "Invite link created. Copy it and share it.")
        else:
            errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
            messages.error(request, f"The invite link was not created: {errors}")
        return redirect(_settings_url(self.org, "invites"))


class InviteLinkRevokeView(OrgAdminRequiredMixin, View):
    """POST: turn an invite link off. People who joined through it stay members."""

    permission = "org.settings"

    def post(self, request, slug, invite_id):
        invite = access_invite_link_as_admin(org=self.org, invite_link_id=invite_id)
        invite_link_revoke(invite_link=invite)
        messages.success(request, "Invite link revoked. It no longer lets anyone join.")
        return redirect(_settings_url(self.org, "invites"))


@method_decorator(reauthentication_required, name="post")
class AdminPromoteView(OrgAdminRequiredMixin, View):
    """POST: make a current member an admin (after re-authentication)."""

    permission = "org.settings"

    def post(self, request, slug):
        form = PromoteAdminForm(request.POST, org=self.org)
        if not form.is_valid():
            messages.error(request, "Choose one of this organisation’s current members.")
            return redirect(_settings_url(self.org, "admins"))
        membership = form.cleaned_data["membership"]
        try:
            membership_role_set(
                membership=membership, role=Membership.Role.ADMIN, acting_user=request.user
            )
        except OrgsError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{membership.display_name} is now an admin.")
        return redirect(_settings_url(self.org, "admins"))


@method_decorator(reauthentication_required, name="post")
class AdminDemoteView(OrgAdminRequiredMixin, View):
    """POST: make an admin a plain member again (never the last admin)."""

    permission = "org.settings"

    def post(self, request, slug, membership_id):
        membership = access_membership_as_admin(org=self.org, membership_id=membership_id)
        try:
            membership_role_set(
                membership=membership, role=Membership.Role.MEMBER, acting_user=request.user
            )
        except OrgsError as error:
            messages.error(request, error.message)
            return redirect(_settings_url(self.org, "admins"))
        if membership.user_id == request.user.pk:
            messages.success(request, "You are no longer an admin of this organisation.")
            return redirect(self.org.get_absolute_url())
        messages.success(request, f"{membership.display_name} is no longer an admin.")
        return redirect(_settings_url(self.org, "admins"))
