"""Member-facing event pages and calendar downloads (DESIGN §5).

- `/events/`: upcoming events of all my orgs;
- `/orgs/<slug>/events/`: an org's upcoming and past events;
- `/orgs/<slug>/events/<id>/`: one event (RSVP widget and more from `events.extensions`);
- `/orgs/<slug>/events/<id>.ics` and `/orgs/<slug>/events.ics`: calendars.

Published and cancelled events are public to anyone with the link (like a Luma page);
drafts 404 for everyone but the org's admins. The online link is shown only to people
going (as `events.extensions.viewer_is_going` says) and to the org's admins.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.views.generic import TemplateView, View

from events import extensions, selectors
from events.ical import ICS_CONTENT_TYPE, build_calendar, calendar_bytes, google_calendar_url
from orgs.selectors import access_org, membership_get

PAGE_SIZE = 12


def _page(request, queryset, param: str):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(param))


class MyEventsView(LoginRequiredMixin, TemplateView):
    """Upcoming (and past) events from every org I am a member of."""

    template_name = "events/event_list_mine.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        upcoming = _page(self.request, selectors.event_list_for_user(user=user), "page")
        past = selectors.event_list_for_user(user=user, upcoming=False)[:6]
        context.update(
            upcoming=upcoming,
            past=past,
            going=extensions.going_counts([*upcoming.object_list, *past]),
            has_orgs=selectors.my_orgs(user=user).exists(),
        )
        return context


class OrgEventListView(TemplateView):
    template_name = "events/event_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = access_org(slug=self.kwargs["slug"])
        upcoming = _page(self.request, selectors.event_list_upcoming(org=org), "page")
        past = _page(self.request, selectors.event_list_past(org=org), "past")
        context.update(
            org=org,
            upcoming=upcoming,
            past=past,
            going=extensions.going_counts([*upcoming.object_list, *past.object_list]),
            is_admin=selectors.is_org_admin(user=self.request.user, org=org),
            membership=membership_get(user=self.request.user, org=org),
        )
        return context


class EventDetailView(TemplateView):
    template_name = "events/event_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = access_org(slug=self.kwargs["slug"])
        event = selectors.access_event(
            user=self.request.user, org=org, event_id=self.kwargs["event_id"]
        )
        is_admin = selectors.is_org_admin(user=self.request.user, org=org)
        show_link = is_admin or extensions.viewer_is_going(event, self.request.user)
        counts = extensions.going_counts([event])
        context.update(
            org=org,
            event=event,
            is_admin=is_admin,
            show_online_link=show_link,
            going=counts.get(event.pk) if counts else None,
            panels=extensions.event_panels_for(self.request, event),
            google_calendar_url=google_calendar_url(event, show_online_link=show_link),
            membership=membership_get(user=self.request.user, org=org),
        )
        return context


def ics_response(cal, *, filename: str) -> HttpResponse:
    response = HttpResponse(calendar_bytes(cal), content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


class EventIcsView(View):
    """One event as an .ics file (the online link only for people going)."""

    def get(self, request, *args, **kwargs):
        org = access_org(slug=kwargs["slug"])
        event = selectors.access_event(user=request.user, org=org, event_id=kwargs["event_id"])
        show_link = selectors.is_org_admin(
            user=request.user, org=org
        ) or extensions.viewer_is_going(event, request.user)
        cal = build_calendar([event], name=event.title, show_online_link=lambda e: show_link)
        return ics_response(cal, filename=f"{org.slug}-event-{event.pk}.ics")


class OrgFeedView(View):
    """The org's calendar feed to subscribe to: its events, never an online link."""

    def get(self, request, *args, **kwargs):
        org = access_org(slug=kwargs["slug"])
        cal = build_calendar(
            selectors.event_feed_list(org=org),
            name=f"{org.name} (ASTN)",
            description=f"Events of {org.name}",
        )
        response = ics_response(cal, filename=f"{org.slug}.ics")
        response["Content-Disposition"] = f'inline; filename="{org.slug}.ics"'
        return response
