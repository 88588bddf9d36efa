"""Follow-ups: create one from an insight row, list them, close them."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from crm.forms.insights import FollowUpForm
from crm.models import FollowUp
from crm.selectors.followups import access_followup, followup_list
from crm.selectors.programs import access_org_membership
from crm.services.followups import FollowUpError, followup_close, followup_create
from crm.views.base import CRM_PERMISSION, CrmPageMixin

KIND_NOTES = {
    "speaker": "Ask them to speak at an event.",
    "case_study": "Ask for a case study or testimonial.",
    "host": "Ask them to host a reading group.",
    "mentor": "Ask them to mentor newcomers.",
}


class FollowUpCreateView(CrmPageMixin, TemplateView):
    """GET `?kind=…&ask=…&note=…` shows the form pre-filled; POST creates."""

    permission = CRM_PERMISSION
    crm_section = "insights"
    template_name = "crm/followup_form.html"

    def get_membership(self):
        return access_org_membership(org=self.org, membership_id=self.kwargs["membership_id"])

    def get_form(self):
        if self.request.method == "POST":
            return FollowUpForm(self.request.POST, org=self.org)
        kind = self.request.GET.get("kind")
        initial = {
            "kind": kind if kind in FollowUp.Kind.values else FollowUp.Kind.OUTREACH,
            "note": KIND_NOTES.get(self.request.GET.get("ask", ""), "")
            or self.request.GET.get("note", "")[:500],
            "assignee": self.request.user.pk,
        }
        return FollowUpForm(org=self.org, initial=initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["membership"] = self.get_membership()
        context["next"] = self._next()
        return context

    def _next(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        base = reverse("crm:insights", kwargs={"slug": self.org.slug})
        return target if target.startswith(f"/orgs/{self.org.slug}/admin/") else base

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        membership = self.get_membership()
        form = self.get_form()
        if form.is_valid():
            try:
                followup_create(
                    membership=membership, acting_user=request.user, **form.cleaned_data
                )
            except FollowUpError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                messages.success(
                    request,
                    f"Follow-up for {membership.display_name} saved; it is on your dashboard.",
                )
                return redirect(self._next())
        return self.render_to_response(self.get_context_data(form=form), status=400)


class FollowUpListView(CrmPageMixin, TemplateView):
    permission = CRM_PERMISSION
    crm_section = "insights"
    template_name = "crm/followup_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", FollowUp.Status.OPEN)
        if status not in FollowUp.Status.values:
            status = FollowUp.Status.OPEN
        mine = self.request.GET.get("mine") == "1"
        context.update(
            followups=followup_list(
                org=self.org, status=status, mine_for=self.request.user if mine else None
            )[:200],
            status=status,
            mine=mine,
            statuses=FollowUp.Status.choices,
            today=timezone.localdate(),
        )
        return context


class FollowUpStatusView(CrmPageMixin, View):
    permission = CRM_PERMISSION

    def post(self, request, *args, **kwargs):
        followup = access_followup(org=self.org, followup_id=kwargs["followup_id"])
        try:
            followup_close(followup=followup, status=request.POST.get("status", ""))
        except FollowUpError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Marked {followup.get_status_display().lower()}.")
        return redirect(reverse("crm:followup-list", kwargs={"slug": self.org.slug}))
