"""The org admin's event pages: list, create, edit, publish, cancel, duplicate.

Every view uses `OrgAdminRequiredMixin` (anonymous → login, anyone else → 404) and is
listed in `tests/orgs/admin_url_inventory.py`.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView, View

from astn.core.http import search_param
from events import extensions, selectors, services
from events.errors import EventError
from events.forms import CancelForm, DuplicateForm, EventForm, wall_clock
from events.models import Event
from orgs.permissions import OrgAdminRequiredMixin

PAGE_SIZE = 25


def admin_list_url(org) -> str:
    return reverse("events:admin-list", kwargs={"slug": org.slug})


def apply_error(form, error: EventError) -> None:
    """Show a service error on its field when the form has it, else above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


class EventAdminMixin(OrgAdminRequiredMixin):
    """Fetch the event named in the URL (any status) after the admin check."""

    permission = "events.manage"

    def get_event(self) -> Event:
        if not hasattr(self, "_event"):
            self._event = selectors.access_event_as_admin(
                org=self.org, event_id=self.kwargs["event_id"]
            )
        return self._event


class EventAdminListView(OrgAdminRequiredMixin, TemplateView):
    permission = "events.manage"

    template_name = "events/event_admin_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "upcoming")
        if status not in selectors.ADMIN_FILTERS:
            status = "upcoming"
        query = search_param(self.request)
        events = selectors.event_admin_list(org=self.org, status=status, query=query)
        page = Paginator(events, PAGE_SIZE).get_page(self.request.GET.get("page"))
        counts = selectors.event_admin_counts(org=self.org)
        context.update(
            page=page,
            events=page.object_list,
            going=extensions.going_counts(page.object_list),
            status=status,
            query=query,
            filters=[(key, label, counts[key]) for key, label in selectors.ADMIN_FILTERS.items()],
            has_sources=bool(self.org.luma_api_key_encrypted or self.org.ics_feed_url),
        )
        return context


class EventCreateView(OrgAdminRequiredMixin, TemplateView):
    permission = "events.manage"

    template_name = "events/event_form.html"

    def get_form(self):
        if self.request.method == "POST":
            return EventForm(self.request.POST)
        profile = getattr(self.request.user, "profile", None)
        return EventForm(initial={"timezone": getattr(profile, "timezone", None) or "UTC"})

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            publish = "publish" in request.POST
            try:
                event = services.event_create(
                    org=self.org, acting_user=request.user, publish=publish, **form.event_values()
                )
            except EventError as error:
                apply_error(form, error)
            else:
                verb = "published" if publish else "saved as a draft"
                messages.success(request, f"“{event.title}” is {verb}.")
                return redirect(admin_list_url(self.org) + ("" if publish else "?status=draft"))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EventUpdateView(EventAdminMixin, TemplateView):
    template_name = "events/event_form.html"

    def get_form(self):
        event = self.get_event()
        data = self.request.POST if self.request.method == "POST" else None
        return EventForm(data, event=event, synced=event.is_synced)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.get_event()
        return context

    def get(self, request, *args, **kwargs):
        event = self.get_event()
        if event.is_cancelled:
            messages.info(request, "This event is cancelled; it can no longer be edited.")
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        form = self.get_form()
        if form.is_valid():
            values = form.event_values()
            if event.is_synced:
                values = {"event_type": values["event_type"]}
            try:
                event = services.event_update(event=event, acting_user=request.user, **values)
            except EventError as error:
                apply_error(form, error)
            else:
                messages.success(request, f"Saved “{event.title}”.")
                return redirect(event.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EventPublishView(EventAdminMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            event = services.event_publish(event=self.get_event(), acting_user=request.user)
        except EventError as error:
            messages.error(request, str(error))
            return redirect(admin_list_url(self.org))
        messages.success(request, f"“{event.title}” is published; members can see it now.")
        return redirect(event.get_absolute_url())


class EventCancelView(EventAdminMixin, TemplateView):
    """GET asks for confirmation; POST cancels."""

    template_name = "events/event_confirm_cancel.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.get_event()
        counts = extensions.going_counts([event])
        context.update(event=event, going=counts.get(event.pk) if counts else None)
        context.setdefault("form", CancelForm())
        return context

    def post(self, request, *args, **kwargs):
        form = CancelForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        reason = form.cleaned_data["message"].strip() or "Cancelled by the organisers."
        try:
            event = services.event_cancel(
                event=self.get_event(), acting_user=request.user, reason=reason
            )
        except EventError as error:
            messages.error(request, str(error))
            return redirect(admin_list_url(self.org))
        messages.success(request, f"“{event.title}” is cancelled. People who RSVPed are told.")
        return redirect(admin_list_url(self.org) + "?status=cancelled")


class EventDuplicateView(EventAdminMixin, TemplateView):
    template_name = "events/event_duplicate.html"

    def get_form(self):
        event = self.get_event()
        if self.request.method == "POST":
            return DuplicateForm(self.request.POST, event=event)
        first = event.start + timedelta(weeks=1)
        return DuplicateForm(
            event=event, initial={"first_start": wall_clock(first, event.timezone)}
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.get_event()
        return context

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            try:
                copies = services.event_duplicate(
                    event=self.get_event(),
                    acting_user=request.user,
                    first_start=form.cleaned_data["first_start"],
                    repeat=form.cleaned_data["repeat"],
                    count=form.cleaned_data["count"],
                    publish=form.cleaned_data["publish"],
                )
            except EventError as error:
                apply_error(form, error)
            else:
                published = form.cleaned_data["publish"]
                noun = "event" if len(copies) == 1 else "events"
                state = "published" if published else "saved as drafts"
                messages.success(request, f"Created {len(copies)} {noun}, {state}.")
                return redirect(admin_list_url(self.org) + ("" if published else "?status=draft"))
        return self.render_to_response(self.get_context_data(form=form), status=400)
