"""What the "Did you attend?" card shows, and the panels attendance adds to other pages.

- the member dashboard: pending cards (`astn.core.dashboard` panel "attendance-pending");
- the event page: a check-in summary for the org's admins (`events.extensions` panel).

The card (`attendance/partials/_answer_card.html`) is the same on the dashboard, on
`/me/attendance/` and in the htmx answer to its own POST.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from attendance.forms.answers import FeedbackForm
from attendance.models import Attendance, AttendanceChange, Source
from attendance.selectors.answers import pending_answers
from attendance.selectors.checkin import checkin_counts
from attendance.selectors.messages import event_message_list
from attendance.selectors.rsvp import upcoming_rsvps, waitlist_position
from attendance.services.answers import RECORDED_BY, answer_closed_reason
from events.extensions import RowAction
from events.models import Event
from events.selectors import is_org_admin

DASHBOARD_LIMIT = 5


def answer_card_state(
    attendance: Attendance,
    *,
    notice: str = "",
    error: str = "",
    feedback_form: FeedbackForm | None = None,
    next_url: str = "",
    conflict: bool | None = None,
) -> dict:
    """Return the context of one answer card for its owner."""
    if feedback_form is None:
        feedback_form = FeedbackForm(
            initial={"rating": attendance.rating, "comment": attendance.feedback}
        )
    if conflict is None:
        conflict = AttendanceChange.objects.filter(attendance=attendance).open_conflicts().exists()
    recorded_by_me = attendance.attended_source in ("", Source.SELF)
    return {
        "attendance": attendance,
        "event": attendance.event,
        "closed_reason": answer_closed_reason(attendance.event),
        "recorded_by": "" if recorded_by_me else RECORDED_BY.get(attendance.attended_source, ""),
        "conflict": conflict,
        "feedback_form": feedback_form,
        "rating": feedback_form["rating"].value() if feedback_form.is_bound else attendance.rating,
        "action_url": reverse("attendance:my-answer", kwargs={"attendance_id": attendance.pk}),
        "next": next_url,
        "notice": notice,
        "error": error,
    }


def dashboard_pending_context(request: HttpRequest) -> dict | None:
    """Pending "Did you attend?" cards; hidden when there are none or prompts are off."""
    settings = getattr(request.user, "notification_settings", None)
    if settings is not None and not settings.attendance_prompts:
        return None
    pending = pending_answers(user=request.user, limit=DASHBOARD_LIMIT)
    if not pending:
        return None
    return {
        "cards": [answer_card_state(a, next_url="/", conflict=False) for a in pending],
    }


def event_checkin_panel_context(request: HttpRequest, event: Event) -> dict | None:
    """The check-in summary on the event page, for the org's admins once check-in is open."""
    if event.status == Event.Status.DRAFT or not is_org_admin(user=request.user, org=event.org):
        return None
    kwargs = {"slug": event.org.slug, "event_id": event.pk}
    return {
        "event": event,
        "counts": checkin_counts(event=event),
        "url": reverse("attendance:checkin", kwargs=kwargs),
        "messages_url": reverse("attendance:event-messages", kwargs=kwargs),
        "last_message": event_message_list(event=event).first(),
    }


def checkin_row_action(event: Event) -> RowAction | None:
    """The "Check-in" link on each published or cancelled event of the admin events list."""
    if event.status == Event.Status.DRAFT:
        return None
    url = reverse("attendance:checkin", kwargs={"slug": event.org.slug, "event_id": event.pk})
    return RowAction(label="Check-in", url=url, icon="clipboard-check")


def dashboard_rsvps_context(request: HttpRequest) -> dict | None:
    """The member's own upcoming RSVPs with their status ("Going", "Waitlisted #3")."""
    rows = []
    for attendance in upcoming_rsvps(user=request.user, limit=6):
        position = waitlist_position(attendance)
        status = f"Waitlisted #{position}" if position else attendance.get_rsvp_display()
        rows.append({"attendance": attendance, "event": attendance.event, "status": status})
    return {"rows": rows}
