"""`/orgs/<slug>/admin/members/tags/`: the org's tags — list with counts, create, edit, delete."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView, View

from crm.errors import CrmError
from crm.models import Tag
from crm.services.tags import tag_create, tag_delete, tag_update
from crm.views.base import CRM_PERMISSION, CrmPageMixin


def _tags_url(org) -> str:
    return reverse("crm:tag-list", kwargs={"slug": org.slug})


class TagListView(CrmPageMixin, TemplateView):
    """GET: the tags and how many people have each; POST: create one."""

    permission = CRM_PERMISSION
    crm_section = "members"
    template_name = "crm/tag_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            tags=Tag.objects.for_org(self.org).annotate(people=Count("memberships")),
            colours=Tag.Colour.choices,
        )
        return context

    def post(self, request, slug):
        try:
            tag = tag_create(
                org=self.org,
                name=request.POST.get("name", ""),
                colour=request.POST.get("colour") or Tag.Colour.BLUE,
            )
        except CrmError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Tag “{tag.name}” created.")
        return redirect(_tags_url(self.org))


class TagEditView(CrmPageMixin, View):
    """POST: rename or recolour a tag."""

    permission = CRM_PERMISSION

    def post(self, request, slug, tag_id):
        tag = get_object_or_404(Tag.objects.for_org(self.org), pk=tag_id)
        try:
            tag_update(
                tag=tag, name=request.POST.get("name", ""), colour=request.POST.get("colour", "")
            )
        except CrmError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Tag “{tag.name}” saved.")
        return redirect(_tags_url(self.org))


class TagDeleteView(CrmPageMixin, View):
    """POST: delete a tag (it comes off everyone who had it)."""

    permission = CRM_PERMISSION

    def post(self, request, slug, tag_id):
        tag = get_object_or_404(Tag.objects.for_org(self.org), pk=tag_id)
        name = tag.name
        tag_delete(tag=tag)
        messages.success(request, f"Tag “{name}” deleted.")
        return redirect(_tags_url(self.org))
