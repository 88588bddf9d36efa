"""`/orgs/<slug>/admin/members/`: the member directory, and bulk actions on a selection.

Every filter is in the query string, so a view can be bookmarked and shared. With htmx
the form swaps only the results (and updates the counts out of band); without it the
same URL renders the whole page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView, View

from astn.accounts.models import CareerStage
from crm.errors import CrmError
from crm.forms.directory import LEVEL_CHOICES, DirectoryFilterForm
from crm.models import Program, Tag
from crm.selectors.directory import (
    DEFAULT_PAGE_SIZE,
    DEFAULT_SORT,
    PAGE_SIZES,
    SORT_KEYS,
    DirectoryFilters,
)
from crm.selectors.directory_choices import event_choices, tag_list, top_skills
from crm.selectors.directory_page import directory_page
from crm.services.tags import tag_add, tag_remove
from crm.views.base import CRM_PERMISSION, CrmPageMixin
from crm.views.directory_rows import directory_rows
from orgs.models import Membership

BULK_MAX = 5000


def filter_form(params, org, *, tags=None) -> DirectoryFilterForm:
    """Build the directory's filter form from query parameters (`request.GET`, or the
    export form's `request.POST`); `tags` saves a query when the caller has them."""
    data = params.copy()
    ids = data.getlist("ids")
    if len(ids) > 1:
        data.setlist("ids", [",".join(ids)])
    return DirectoryFilterForm(
        data,
        tags=tag_list(org=org) if tags is None else tags,
        programs=Program.objects.for_org(org).order_by("name").values_list("pk", "name"),
        events=event_choices(org=org),
        org_has_location=org.has_location,
    )


def directory_url(org, filters: DirectoryFilters, **changes) -> str:
    params = filters.as_query()
    params.update({key: value for key, value in changes.items() if value not in (None, "")})
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
    query = urlencode(params, doseq=True)
    base = reverse("crm:directory", kwargs={"slug": org.slug})
    return f"{base}?{query}" if query else base


def _page_param(number: int) -> int | None:
    return number if number > 1 else None


def _page_size(raw: str | None) -> tuple[int, str | None]:
    if not raw:
        return DEFAULT_PAGE_SIZE, None
    if raw.isdigit() and int(raw) in PAGE_SIZES:
        return int(raw), None
    return (
        DEFAULT_PAGE_SIZE,
        f"Showing {DEFAULT_PAGE_SIZE} per page (“{raw[:20]}” is not an option).",
    )


class DirectoryView(CrmPageMixin, TemplateView):
    permission = CRM_PERMISSION
    crm_section = "members"

    def get_template_names(self):
        if self.request.htmx and not self.request.htmx.boosted:
            return ["crm/partials/_directory_results.html"]
        return ["crm/directory.html"]

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.request.htmx:
            # The address bar gets the canonical URL (no empty fields), so it can be shared.
            response["HX-Push-Url"] = context["this_url"]
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tags = list(tag_list(org=self.org))
        form = filter_form(self.request.GET, self.org, tags=tags)
        filters = form.filters()
        notices = form.messages()
        page_size, size_notice = _page_size(self.request.GET.get("per"))
        if size_notice:
            notices.append(size_notice)
        page = directory_page(
            org=self.org, filters=filters, page=self.request.GET.get("page"), page_size=page_size
        )
        if page.clamped:
            notices.append(
                f"There is no page “{str(self.request.GET.get('page'))[:20]}”; "
                f"showing page {page.number} of {page.num_pages}."
            )
        current_sort = filters.sort or DEFAULT_SORT
        per = page_size if page_size != DEFAULT_PAGE_SIZE else None
        sort_links = {}
        for key in SORT_KEYS:
            active = current_sort.lstrip("-") == key
            descending = current_sort.startswith("-")
            next_sort = (key if descending else f"-{key}") if active else key
            sort_links[key] = {
                "url": directory_url(self.org, filters, sort=next_sort, per=per),
                "active": active,
                "descending": active and descending,
            }
        context.update(
            form=form,
            filters=filters,
            page=page,
            rows=directory_rows(org=self.org, rows=page.rows, tags=tags),
            notices=notices,
            sort_links=sort_links,
            tags=tags,
            level_choices=LEVEL_CHOICES,
            status_choices=Membership.Status.choices,
            role_choices=Membership.Role.choices,
            career_choices=CareerStage.choices,
            skills=top_skills(org=self.org),
            page_sizes=PAGE_SIZES,
            page_size=page_size,
            prev_url=directory_url(self.org, filters, page=_page_param(page.number - 1), per=per),
            next_url=directory_url(self.org, filters, page=page.number + 1, per=per),
            export_query=urlencode(filters.as_query(), doseq=True),
            this_url=directory_url(self.org, filters, page=_page_param(page.number), per=per),
        )
        return context


class DirectoryBulkView(CrmPageMixin, View):
    """POST: add or remove a tag on the selected people, then back to the same view."""

    permission = CRM_PERMISSION

    def post(self, request, slug):
        back = request.POST.get("next") or ""
        back_url = reverse("crm:directory", kwargs={"slug": self.org.slug})
        if back.startswith(back_url):
            back_url = back
        raw_ids = request.POST.getlist("ids")
        ids = sorted({int(pk) for pk in raw_ids if pk.isdigit()})
        if not ids:
            messages.error(request, "Select at least one person first.")
            return redirect(back_url)
        if len(ids) > BULK_MAX:
            messages.error(request, f"Select at most {BULK_MAX:,} people at once.")
            return redirect(back_url)
        tag = Tag.objects.for_org(self.org).filter(pk=_int(request.POST.get("tag"))).first()
        if tag is None:
            messages.error(request, "Choose one of this organisation’s tags.")
            return redirect(back_url)
        people = list(Membership.objects.for_org(self.org).filter(pk__in=ids))
        if len(people) != len(ids):
            messages.error(request, "Some of the selected people are not in this organisation.")
            return redirect(back_url)
        action = request.POST.get("action")
        try:
            if action == "tag_add":
                changed = tag_add(tag=tag, memberships=people, acting_user=request.user)
                messages.success(request, _tag_message("Tagged", changed, len(people), tag))
            elif action == "tag_remove":
                changed = tag_remove(tag=tag, memberships=people)
                messages.success(request, _tag_message("Untagged", changed, len(people), tag))
            else:
                messages.error(request, "Choose what to do with the selection.")
        except CrmError as error:
            messages.error(request, error.message)
        return redirect(back_url)


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _tag_message(verb: str, changed: int, selected: int, tag: Tag) -> str:
    people = "person" if changed == 1 else "people"
    unchanged = selected - changed
    tail = f" ({unchanged} already were)" if unchanged and verb == "Tagged" else ""
    if verb == "Untagged" and unchanged:
        tail = f" ({unchanged} did not have it)"
    return f"{verb} {changed} {people} “{tag.name}”{tail}."
