"""Browse, org page, join / leave, create an org."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from astn.accounts.models import Profile
from orgs.extensions import org_page_panels_for
from orgs.forms import OrganizationForm, OrgSearchForm
from orgs.selectors import (
    access_org,
    membership_get,
    org_admin_list,
    org_city_list,
    org_member_count,
    org_search,
)
from orgs.services import OrgsError, membership_join, membership_leave, org_create

PAGE_SIZE = 12


class OrgListView(TemplateView):
    """`/orgs/`: search and filter discoverable orgs; "near me" for members who share a location."""

    template_name = "orgs/organization_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = OrgSearchForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        profile = None
        if self.request.user.is_authenticated:
            profile = Profile.objects.filter(user=self.request.user).first()
        can_use_location = bool(profile and profile.has_location)
        near_requested = bool(filters.get("near"))
        near = (profile.lat, profile.lng) if near_requested and can_use_location else None
        orgs = org_search(
            query=filters.get("q", ""),
            city=filters.get("city", ""),
            online_only=bool(filters.get("online")),
            near=near,
        )
        page = Paginator(orgs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query_without_page = self.request.GET.copy()
        query_without_page.pop("page", None)
        context.update(
            form=form,
            filters=filters,
            page_obj=page,
            orgs=page.object_list,
            cities=org_city_list(),
            near_active=near is not None,
            near_unavailable=near_requested and not can_use_location,
            is_filtered=any(filters.get(k) for k in ("q", "city", "online")),
            querystring=query_without_page.urlencode(),
        )
        return context


class OrgDetailView(TemplateView):
    """`/orgs/<slug>/`: the org's public page, with join / leave and panels from other apps."""

    template_name = "orgs/organization_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = access_org(slug=self.kwargs["slug"])
        membership = membership_get(user=self.request.user, org=org)
        context.update(
            org=org,
            membership=membership,
            is_member=bool(membership and membership.status == membership.Status.MEMBER),
            is_admin=bool(membership and membership.is_admin),
            member_count=org_member_count(org=org),
            admins=org_admin_list(org=org),
            panels=org_page_panels_for(self.request, org, membership),
        )
        return context


class _BackToOrgPageMixin(LoginRequiredMixin):
    """Send a signed-out visitor to log in and then to the org page (these views are POST-only)."""

    def handle_no_permission(self):
        return redirect_to_login(reverse("orgs:org-detail", kwargs={"slug": self.kwargs["slug"]}))


class OrgJoinView(_BackToOrgPageMixin, View):
    """POST: join the org (a contact or someone who left is reactivated)."""

    def post(self, request, slug):
        org = access_org(slug=slug)
        try:
            membership_join(org=org, user=request.user)
        except OrgsError as error:
            messages.info(request, error.message)
        else:
            messages.success(request, f"Welcome to {org.name}! You are now a member.")
        return redirect(org.get_absolute_url())


class OrgLeaveView(_BackToOrgPageMixin, View):
    """POST: leave the org; the membership is kept with status `left`."""

    def post(self, request, slug):
        org = access_org(slug=slug)
        membership = membership_get(user=request.user, org=org)
        if membership is None:
            messages.info(request, f"You are not a member of {org.name}.")
            return redirect(org.get_absolute_url())
        try:
            membership_leave(membership=membership)
        except OrgsError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"You have left {org.name}. You can rejoin at any time.")
        return redirect(org.get_absolute_url())


class OrgCreateView(LoginRequiredMixin, FormView):
    """`/orgs/new/`: start an org; its creator becomes the first admin."""

    template_name = "orgs/organization_form.html"
    form_class = OrganizationForm

    def form_valid(self, form):
        try:
            org = org_create(created_by=self.request.user, **form.cleaned_data)
        except OrgsError as error:
            form.add_error("slug" if error.code == "slug_taken" else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, f"{org.name} is ready. Invite people with an invite link.")
        return redirect(reverse("orgs:settings", kwargs={"slug": org.slug}))
