"""The RSVP widget on the event page: what it shows to whom.

`rsvp_panel_context` is registered as an `events.extensions.EventPanel`, so the
events app renders the widget without importing `attendance`; `RsvpView` renders
the same partial after an htmx POST.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import urlencode

from attendance.models import Attendance
from attendance.selectors import attendance_get, calendar_feed_urls, going_count, waitlist_position
from attendance.services.rsvp import rsvp_closed_reason
from events.models import Event
from orgs.selectors import membership_get

Rsvp = Attendance.Rsvp

BUTTONS = [
    (Rsvp.GOING, "Going", "check-circle"),
    (Rsvp.MAYBE, "Maybe", "question-circle"),
    (Rsvp.NOT_GOING, "Can't go", "x-circle"),
]

CONFIRMATIONS = {
    Rsvp.GOING: "You're going. See you there!",
    Rsvp.MAYBE: "Marked as maybe. Change it any time before the start.",
    Rsvp.NOT_GOING: "Thanks for letting the organisers know you can't make it.",
    Rsvp.WAITLISTED: "The event is full, so you're on the waitlist. We'll tell you if a seat "
    "frees up.",
}


def rsvp_widget_state(*, event: Event, user, notice: str = "", error: str = "") -> dict:
    """Return everything `attendance/partials/_rsvp_widget.html` shows, for `user` at `event`."""
    membership = membership_get(user=user, org=event.org)
    is_member = membership is not None and membership.status == membership.Status.MEMBER
    attendance = attendance_get(event=event, user=user) if is_member else None
    current = attendance.rsvp if attendance else Rsvp.NONE
    taken = going_count(event)
    capacity = event.capacity
    seats_left = None if capacity is None else max(capacity - taken, 0)
    if not user.is_authenticated:
        viewer = "anonymous"
    elif is_member:
        viewer = "member"
    else:
        viewer = "outsider"
    return {
        "event": event,
        "viewer": viewer,
        "attendance": attendance,
        "current": current,
        "current_label": Rsvp(current).label,
        "closed_reason": rsvp_closed_reason(event),
        "going_count": taken,
        "capacity": capacity,
        "seats_left": seats_left,
        "is_full": seats_left == 0,
        "waitlist_position": waitlist_position(attendance) if attendance else None,
        "buttons": _buttons(current, is_full=seats_left == 0),
        "show_online_link": event.is_online and bool(event.virtual_link) and current == Rsvp.GOING,
        "action_url": reverse(
            "attendance:rsvp", kwargs={"slug": event.org.slug, "event_id": event.pk}
        ),
        "login_url": resolve_url(settings.LOGIN_URL)
        + "?"
        + urlencode({"next": event.get_absolute_url()}),
        "notice": notice,
        "error": error,
    }


def _buttons(current: str, *, is_full: bool) -> list[dict]:
    """The three answers; "going" reads as the waitlist when that is what it would mean."""
    buttons = []
    for value, label, icon in BUTTONS:
        pressed = value == current
        if value == Rsvp.GOING and current == Rsvp.WAITLISTED:
            label, icon, pressed = "On the waitlist", "hourglass-split", True
        elif value == Rsvp.GOING and is_full and current != Rsvp.GOING:
            label, icon = "Join waitlist", "hourglass-split"
        buttons.append({"value": value, "label": label, "icon": icon, "pressed": pressed})
    return buttons


def rsvp_panel_context(request, event: Event) -> dict | None:
    """The event page's RSVP panel (an `events.extensions.EventPanel` context)."""
    if event.status == Event.Status.DRAFT:
        return None
    return rsvp_widget_state(event=event, user=request.user)


def confirmation_for(attendance: Attendance, *, with_position: bool = True) -> str:
    """Return what to tell a member right after they answered.

    The widget shows the waitlist position itself, so its notice can leave it out.
    """
    message = CONFIRMATIONS.get(attendance.rsvp, "")
    position = waitlist_position(attendance) if with_position else None
    if position:
        message = (
            f"The event is full, so you're number {position} on the waitlist. "
            "We'll tell you if a seat frees up."
        )
    return message


def settings_calendar_context(request) -> dict:
    """The calendar-feed section of /me/settings/ (an `astn.notifications` settings section)."""
    return {**calendar_feed_urls(user=request.user), "next": request.path}
