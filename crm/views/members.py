"""`/orgs/<slug>/admin/members/<id>/`: one person's page — profile, tags, engagement,
timeline and notes. A membership of another org is a 404."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.generic import TemplateView, View

from crm import timeline
from crm.errors import CrmError
from crm.models import Tag
from crm.selectors.directory_choices import tag_list
from crm.selectors.members import access_member, member_profile, member_tags
from crm.services.notes import NOTE_MAX
from crm.services.tags import tag_add, tag_create, tag_remove
from crm.views.base import CRM_PERMISSION, CrmPageMixin
from engagement.selectors import engagement_panel_get


def member_url(org, membership_id: int) -> str:
    return reverse("crm:member-detail", kwargs={"slug": org.slug, "membership_id": membership_id})


def _before(raw: str | None) -> datetime | None:
    """Parse the timeline cursor; anything unreadable starts from the newest entry."""
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        return None
    return value if value is not None and value.tzinfo is not None else None


class MemberMixin(CrmPageMixin):
    permission = CRM_PERMISSION
    crm_section = "members"

    def get_member(self):
        if not hasattr(self, "_member"):
            self._member = access_member(org=self.org, membership_id=self.kwargs["membership_id"])
        return self._member


class MemberDetailView(MemberMixin, TemplateView):
    permission = CRM_PERMISSION
    template_name = "crm/member_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.get_member()
        tags = member_tags(membership=member)
        context.update(
            member=member,
            profile=member_profile(membership=member),
            tags=tags,
            other_tags=[t for t in tag_list(org=self.org) if t not in tags],
            tag_colours=Tag.Colour.choices,
            engagement=engagement_panel_get(membership=member),
            timeline=timeline.timeline_page(org=self.org, membership=member),
            note_max=NOTE_MAX,
            back_url=self.request.GET.get("back", ""),
        )
        return context


class MemberTimelineView(MemberMixin, TemplateView):
    """GET (htmx): the next page of the timeline, older than `?before=`."""

    permission = CRM_PERMISSION
    template_name = "crm/partials/_timeline.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.get_member()
        context.update(
            member=member,
            timeline=timeline.timeline_page(
                org=self.org, membership=member, before=_before(self.request.GET.get("before"))
            ),
        )
        return context


class MemberTagsView(MemberMixin, View):
    """POST: add an existing tag (`tag`), create-and-add one (`new_tag`, `colour`),
    or take one off (`remove`)."""

    permission = CRM_PERMISSION

    def post(self, request, slug, membership_id):
        member = self.get_member()
        try:
            if request.POST.get("remove"):
                tag = _org_tag(self.org, request.POST["remove"])
                tag_remove(tag=tag, memberships=[member])
                messages.success(request, f"Removed “{tag.name}”.")
            elif request.POST.get("new_tag", "").strip():
                tag = tag_create(
                    org=self.org,
                    name=request.POST["new_tag"],
                    colour=request.POST.get("colour") or Tag.Colour.BLUE,
                )
                tag_add(tag=tag, memberships=[member], acting_user=request.user)
                messages.success(request, f"Created and added “{tag.name}”.")
            else:
                tag = _org_tag(self.org, request.POST.get("tag", ""))
                tag_add(tag=tag, memberships=[member], acting_user=request.user)
                messages.success(request, f"Tagged “{tag.name}”.")
        except CrmError as error:
            messages.error(request, error.message)
        return redirect(member_url(self.org, member.pk))


def _org_tag(org, raw: str) -> Tag:
    tag = Tag.objects.for_org(org).filter(pk=int(raw)).first() if str(raw).isdigit() else None
    if tag is None:
        raise CrmError("Choose one of this organisation’s tags.", code="tag_unknown")
    return tag
