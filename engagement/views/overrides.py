"""The override dialog: GET shows the form (an htmx fragment or a page), POST acts.

After an htmx POST the response is the refreshed engagement panel, so the CRM
member page and the engagement page update in place.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from astn.core.http import safe_next
from engagement.errors import EngagementError
from engagement.forms import OverrideClearForm, OverrideForm
from engagement.permissions import ENGAGEMENT_MANAGE
from engagement.selectors import engagement_panel_get
from engagement.services import override_clear, override_set
from orgs.permissions import OrgAdminRequiredMixin
from orgs.selectors import access_membership_as_admin

PANEL = "engagement/partials/_engagement_panel.html"


class _MemberOverrideBase(OrgAdminRequiredMixin, View):
    permission = ENGAGEMENT_MANAGE
    form_class: type = OverrideForm
    fragment = ""
    page = "engagement/override_page.html"
    title = ""

    def _membership(self):
        return access_membership_as_admin(org=self.org, membership_id=self.kwargs["membership_id"])

    def _next(self) -> str:
        candidate = self.request.POST.get("next") or self.request.GET.get("next")
        return safe_next(
            self.request, candidate, reverse("engagement:admin", kwargs={"slug": self.org.slug})
        )

    def _render_form(self, membership, form, *, status: int = 200):
        context = {
            "org": self.org,
            "membership": membership,
            "form": form,
            "next": self._next(),
            "fragment": self.fragment,
            "title": self.title,
            "panel": engagement_panel_get(membership=membership),
        }
        template = self.fragment if self.request.htmx else self.page
        return render(self.request, template, context, status=status)

    def _done(self, membership, notice: str):
        if self.request.htmx:
            panel = engagement_panel_get(membership=membership)
            context = {"engagement": panel, "org": self.org, "can_override": True}
            response = render(self.request, PANEL, context)
            response["HX-Retarget"] = f"#engagement-panel-{membership.pk}"
            response["HX-Reswap"] = "outerHTML"
            response["HX-Trigger"] = "engagementChanged"
            return response
        messages.success(self.request, notice)
        return redirect(self._next())

    def get(self, request, slug, membership_id):
        membership = self._membership()
        return self._render_form(membership, self.form_class())


class OverrideView(_MemberOverrideBase):
    """`/orgs/<slug>/admin/engagement/members/<id>/override/`."""

    form_class = OverrideForm
    fragment = "engagement/partials/_override_form.html"
    title = "Override engagement level"

    def post(self, request, slug, membership_id):
        membership = self._membership()
        form = OverrideForm(request.POST)
        if form.is_valid():
            try:
                override_set(
                    membership=membership,
                    level=form.cleaned_data["level"],
                    reason=form.cleaned_data["reason"],
                    acting_user=request.user,
                )
            except EngagementError as error:
                form.add_error(None, error.message)
            else:
                return self._done(membership, f"Level of {membership.display_name} overridden.")
        return self._render_form(membership, form, status=400 if not request.htmx else 200)


class OverrideClearView(_MemberOverrideBase):
    """`/orgs/<slug>/admin/engagement/members/<id>/override/clear/`."""

    form_class = OverrideClearForm
    fragment = "engagement/partials/_override_clear_form.html"
    title = "Clear override"

    def post(self, request, slug, membership_id):
        membership = self._membership()
        form = OverrideClearForm(request.POST)
        if form.is_valid():
            try:
                override_clear(
                    membership=membership,
                    acting_user=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except EngagementError as error:
                form.add_error(None, error.message)
            else:
                notice = f"Override cleared: {membership.display_name}'s computed level applies."
                return self._done(membership, notice)
        return self._render_form(membership, form, status=400 if not request.htmx else 200)
