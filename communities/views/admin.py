"""The organiser's pages under `/orgs/<slug>/admin/communities/`.

Every view uses `OrgAdminRequiredMixin` (anonymous → login, anyone else → 404)
and is listed in `tests/communities/admin_urls.py`. GET never changes state.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from astn.notifications.links import absolute_url
from communities import intake, selectors
from communities.errors import CommunityError
from communities.forms import (
    CommunityForm,
    DateForm,
    QuestionFormSet,
    RescheduleForm,
    formset_initial,
    questions_from_formset,
)
from communities.models import Community, Round
from communities.services import communities as community_services
from communities.services import matching, rounds
from orgs.permissions import OrgAdminRequiredMixin

# Registered in CommunitiesConfig.ready(); granted to org admins.
PERMISSION = "communities.manage"


def dashboard_url(community: Community) -> str:
    return reverse(
        "communities:admin-detail",
        kwargs={"slug": community.org.slug, "community_id": community.pk},
    )


def round_url(round_: Round) -> str:
    return reverse(
        "communities:admin-round",
        kwargs={
            "slug": round_.community.org.slug,
            "community_id": round_.community_id,
            "round_id": round_.pk,
        },
    )


class CommunityAdminMixin(OrgAdminRequiredMixin):
    permission = PERMISSION

    def get_community(self) -> Community:
        if not hasattr(self, "_community"):
            self._community = selectors.access_community_as_admin(
                org=self.org, community_id=self.kwargs["community_id"]
            )
            self._community.org = self.org
        return self._community


class CommunityListView(OrgAdminRequiredMixin, TemplateView):
    permission = PERMISSION
    template_name = "communities/community_admin_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["communities"] = selectors.community_list(org=self.org)
        return context


class _CommunityFormView(TemplateView):
    template_name = "communities/community_form.html"

    def forms(self, instance: Community | None):
        data = self.request.POST if self.request.method == "POST" else None
        if instance is None:
            initial = {"timezone": _admin_zone(self.request)}
            questions = intake.DEFAULT_QUESTIONS
        else:
            initial, questions = {}, instance.intake_questions
        form = CommunityForm(data, instance=instance, initial=initial)
        formset = QuestionFormSet(data, initial=formset_initial(questions), prefix="q")
        return form, formset

    def fields_from(self, form, formset) -> dict:
        fields = {name: form.cleaned_data[name] for name in CommunityForm.Meta.fields}
        fields["intake_questions"] = questions_from_formset(formset)
        return fields

    def show(self, form, formset, **extra):
        return render(
            self.request,
            self.template_name,
            {"org": self.org, "form": form, "formset": formset, **extra},
        )


def _admin_zone(request) -> str:
    profile = getattr(request.user, "profile", None)
    return getattr(profile, "timezone", "") or "UTC"


def _apply_error(form, formset, error: CommunityError) -> None:
    if error.field == "intake_questions":
        formset._non_form_errors = formset.error_class([str(error)])
    else:
        form.add_error(error.field if error.field in form.fields else None, str(error))


class CommunityCreateView(OrgAdminRequiredMixin, _CommunityFormView):
    permission = PERMISSION

    def get(self, request, *args, **kwargs):
        form, formset = self.forms(None)
        return self.show(form, formset)

    def post(self, request, *args, **kwargs):
        form, formset = self.forms(None)
        if form.is_valid() and formset.is_valid():
            try:
                community = community_services.community_create(
                    org=self.org, created_by=request.user, **self.fields_from(form, formset)
                )
            except CommunityError as error:
                _apply_error(form, formset, error)
            else:
                messages.success(
                    request, f"{community.name} is ready. Share /join/{community.slug}/."
                )
                return redirect(dashboard_url(community))
        return self.show(form, formset)


class CommunityEditView(CommunityAdminMixin, _CommunityFormView):
    def get(self, request, *args, **kwargs):
        community = self.get_community()
        form, formset = self.forms(community)
        return self.show(form, formset, community=community)

    def post(self, request, *args, **kwargs):
        community = self.get_community()
        form, formset = self.forms(community)
        if form.is_valid() and formset.is_valid():
            try:
                community_services.community_update(
                    community=community, **self.fields_from(form, formset)
                )
            except CommunityError as error:
                _apply_error(form, formset, error)
            else:
                messages.success(request, "Settings saved.")
                return redirect(dashboard_url(community))
        community.refresh_from_db()
        return self.show(form, formset, community=community)


class CommunityDetailView(CommunityAdminMixin, TemplateView):
    template_name = "communities/community_dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        community = self.get_community()
        round_list = selectors.rounds_with_participation(community=community)
        current = next((r for r in round_list if r.status != Round.Status.MATCHED), None)
        context.update(
            community=community,
            metrics=selectors.community_metrics(community=community),
            rounds=round_list,
            current=current,
            members=selectors.member_rows(community=community)[:200],
            join_url=absolute_url(f"/join/{community.slug}/"),
            left_out=[(r, r.left_out) for r in round_list if r.left_out][:6],
            extend_form=DateForm(label="New deadline"),
            month_to_open=month_to_open(community),
        )
        return context


class RoundDetailView(CommunityAdminMixin, TemplateView):
    template_name = "communities/round_admin_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        community = self.get_community()
        round_ = selectors.access_round_as_admin(
            community=community, round_id=self.kwargs["round_id"]
        )
        participants = round_.participants.select_related("member__membership__user")
        context.update(
            community=community,
            round=round_,
            matches=selectors.round_matches(round_=round_),
            signed_up=participants.filter(intake_completed_at__isnull=False).count(),
            invited=participants.count(),
            reschedule_form=RescheduleForm(),
            now=timezone.now(),
        )
        return context


class _PostOnly(CommunityAdminMixin, View):
    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])


def month_to_open(community: Community) -> datetime.date:
    """This month, or next month once this month's signup deadline has passed."""
    month = timezone.localtime(timezone.now(), community.tz).date().replace(day=1)
    deadline, _ = rounds.round_times(community, month)
    if timezone.now() >= deadline:
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return month


class RoundOpenView(_PostOnly):
    """Open the round now (instead of waiting for the 1st)."""

    def post(self, request, *args, **kwargs):
        community = self.get_community()
        month = month_to_open(community)
        try:
            round_, sent = rounds.round_open(community=community, month=month)
        except CommunityError as error:
            messages.error(request, str(error))
            return redirect(dashboard_url(community))
        if round_.status != Round.Status.OPEN:
            messages.info(request, f"The {round_.month:%B} round is already {round_.status}.")
        else:
            messages.success(request, f"The {round_.month:%B} round is open; {sent} invited.")
        return redirect(dashboard_url(community))


class RoundActionView(_PostOnly):
    action = ""

    def post(self, request, *args, **kwargs):
        community = self.get_community()
        round_ = selectors.access_round_as_admin(
            community=community, round_id=self.kwargs["round_id"]
        )
        try:
            if self.action == "extend":
                form = DateForm(request.POST)
                if not form.is_valid():
                    raise CommunityError("Pick a valid date.")
                rounds.round_extend(round_=round_, until=form.cleaned_data["until"])
                messages.success(request, "Deadline extended.")
            elif self.action == "close":
                rounds.round_close(round_=round_)
                messages.success(request, "Signups closed. Matching runs on the match day.")
            elif self.action == "match":
                if round_.status == Round.Status.MATCHED:
                    raise CommunityError("This round has been matched already.")
                done = matching.round_match(round_id=round_.pk)
                if done is None:
                    raise CommunityError("This round is being matched right now.")
                messages.success(request, done.note or "Matched. Everyone has their email.")
        except CommunityError as error:
            messages.error(request, str(error))
        return redirect(round_url(round_))


class MatchActionView(_PostOnly):
    action = ""

    def post(self, request, *args, **kwargs):
        community = self.get_community()
        match = selectors.access_match_as_admin(
            community=community, match_id=self.kwargs["match_id"]
        )
        try:
            if self.action == "reschedule":
                form = RescheduleForm(request.POST)
                if not form.is_valid():
                    raise CommunityError("Pick a valid date and time.")
                local = form.cleaned_data["starts_at"].replace(tzinfo=None)
                starts_at = timezone.make_aware(local, community.tz)
                matching.match_reschedule(match=match, starts_at=starts_at)
                messages.success(request, "Rescheduled; both have the updated invite.")
            else:
                matching.match_drop(match=match)
                messages.success(request, "Match dropped; the invite was cancelled.")
        except CommunityError as error:
            messages.error(request, str(error))
        return redirect(round_url(match.round))
