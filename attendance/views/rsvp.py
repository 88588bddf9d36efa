"""Views of attendance: the RSVP widget's POST, and the personal calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from astn.core.http import safe_next
from attendance.errors import RsvpError
from attendance.forms.rsvp import RsvpForm
from attendance.models import Attendance
from attendance.selectors import (
    access_event_for_rsvp,
    calendar_feed_attendances,
    calendar_feed_urls,
    profile_for_calendar_token,
    upcoming_rsvps,
)
from attendance.services import calendar_token_regenerate, rsvp_join_and_set, rsvp_set
from attendance.widgets import confirmation_for, rsvp_widget_state
from events.ical import ICS_CONTENT_TYPE, build_calendar, calendar_bytes

WIDGET_TEMPLATE = "attendance/partials/_rsvp_widget.html"


class RsvpView(View):
    """Record the viewer's RSVP. With htmx, answer with the widget; without, redirect back."""

    http_method_names = ["post"]

    def post(self, request, slug: str, event_id: int):
        event = access_event_for_rsvp(slug=slug, event_id=event_id)
        if not request.user.is_authenticated:
            login = redirect_to_login(event.get_absolute_url())
            if request.htmx:
                return HttpResponse(status=204, headers={"HX-Redirect": login.url})
            return login
        form = RsvpForm(request.POST)
        notice, error = "", ""
        if not form.is_valid():
            error = form.errors["rsvp"][0] if "rsvp" in form.errors else "Please try again."
        else:
            answer = form.cleaned_data["rsvp"]
            try:
                if form.cleaned_data["join"]:
                    attendance = rsvp_join_and_set(event=event, user=request.user, rsvp=answer)
                else:
                    attendance = rsvp_set(event=event, user=request.user, rsvp=answer)
                notice = confirmation_for(attendance, with_position=not request.htmx)
                if form.cleaned_data["join"]:
                    notice = f"Welcome to {event.org.name}! {notice}"
            except RsvpError as exc:
                error = str(exc)
        if request.htmx:
            state = rsvp_widget_state(event=event, user=request.user, notice=notice, error=error)
            return render(request, WIDGET_TEMPLATE, {"panel": state})
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return redirect(event.get_absolute_url())


def calendar_feed(request, token: str) -> HttpResponse:
    """Serve the personal feed: the events the token's owner RSVPed going or maybe to.

    The token is the only credential (calendar apps cannot log in), so the page
    is never cached and never leaks its address through a Referer header.
    """
    profile = profile_for_calendar_token(token=token)
    attendances = list(calendar_feed_attendances(user=profile.user))
    going = {a.event_id for a in attendances if a.rsvp == Attendance.Rsvp.GOING}
    cal = build_calendar(
        [a.event for a in attendances],
        name="My ASTN events",
        description=f"Events {profile.user.display_name} RSVPed to on ASTN",
        show_online_link=lambda event: event.pk in going,
    )
    response = HttpResponse(calendar_bytes(cal), content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="my-astn-events.ics"'
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


class CalendarView(LoginRequiredMixin, TemplateView):
    """My calendar: the feed link to subscribe to, and my next RSVPs."""

    template_name = "attendance/calendar_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["upcoming"] = upcoming_rsvps(user=self.request.user, limit=20)
        context.update(calendar_feed_urls(user=self.request.user))
        return context


class CalendarRegenerateView(LoginRequiredMixin, View):
    """Replace my calendar-feed token, so a leaked feed address stops working."""

    http_method_names = ["post"]

    def post(self, request):
        calendar_token_regenerate(user=request.user)
        messages.success(
            request,
            "You have a new calendar link. The old one no longer works: update any calendar "
            "app that subscribed to it.",
        )
        return redirect(
            safe_next(request, request.POST.get("next"), reverse("attendance:calendar"))
        )
