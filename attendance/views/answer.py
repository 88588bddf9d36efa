"""`/a/<token>/`: answering "Did you attend?" from the email, without logging in.

The signed token authorises exactly one attendance record (DESIGN §5, §12). GET
only shows the event and a confirm button — mail scanners open links, so GET
changes nothing. POST records. The page sends `Referrer-Policy: no-referrer`
and `Cache-Control: no-store` (`links.token_page`); `no-referrer` makes Chromium
send `Origin: null` with the page's own POST, which Django's CSRF check would
refuse, so the view is CSRF-exempt: its POST is authorised by the token alone,
never by the session, so a cross-site request has nothing to ride on (see
docs/architecture.md, "Token links and CSRF"). A token never logs anyone in.
"""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from astn.notifications import links
from attendance.errors import AnswerError
from attendance.forms.answers import AnswerForm, FeedbackForm
from attendance.models import Attendance, AttendanceChange
from attendance.selectors.answers import LinkRevoked, attendance_for_token
from attendance.services.answers import (
    MAX_PROMPTS,
    RECORDED_BY,
    answer_closed_reason,
    attendance_answer,
    attendance_dismiss,
    attendance_feedback_set,
    prompt_defer,
)
from attendance.services.notices import event_email_context

TEMPLATE = "attendance/attendance_answer.html"
PRESELECTABLE = ("yes", "no", "later")


@csrf_exempt
@links.token_page
def answer_view(request, token: str):
    """Show (GET) or record (POST) the answer a signed prompt link is for."""
    history_url = reverse("attendance:history")
    try:
        attendance = attendance_for_token(token=token)
    except LinkRevoked as exc:
        return links.link_error_response(
            request, exc, status=404, hint="Nothing was recorded.", action_url="/"
        )
    except links.LinkError as exc:
        return links.link_error_response(
            request,
            exc,
            hint="Nothing was recorded. You can still answer from “My attendance” after "
            "logging in.",
            action_label="Go to My attendance",
            action_url=history_url,
        )
    reason = answer_closed_reason(attendance.event)
    if reason:
        return links.link_error_response(
            request,
            links.LinkError(reason),
            status=410,
            hint="Nothing was recorded.",
            action_label="See the event",
            action_url=attendance.event.get_absolute_url(),
        )
    if request.method == "POST":
        return _post(request, attendance)
    answer = request.GET.get("answer", "")
    if answer not in PRESELECTABLE or (answer == "later" and not _may_defer(attendance)):
        answer = ""
    return _render(request, attendance, preselected=answer)


def _may_defer(attendance: Attendance) -> bool:
    """ "Remind me later" is offered while unanswered and before the last prompt."""
    return attendance.attended is None and attendance.prompt_count < MAX_PROMPTS


def _post(request, attendance: Attendance):
    actor = attendance.membership.user
    if request.POST.get("step") == "feedback":
        form = FeedbackForm(request.POST)
        if not form.is_valid():
            return _render(request, attendance, feedback_form=form, status=400)
        try:
            attendance = attendance_feedback_set(
                attendance=attendance,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except AnswerError as exc:
            form.add_error(None, str(exc))
            return _render(request, attendance, feedback_form=form, status=400)
        return _render(request, attendance, notice="Thank you for the feedback!", finished=True)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _render(request, attendance, error=form.errors["answer"][0], status=400)
    answer = form.cleaned_data["answer"]
    try:
        if answer == "later":
            outcome = prompt_defer(attendance=attendance)
        elif answer == "dismiss":
            outcome = attendance_dismiss(attendance=attendance)
        else:
            outcome = attendance_answer(
                attendance=attendance, attended=answer == "yes", actor=actor
            )
    except AnswerError as exc:
        return _render(request, attendance, error=str(exc), status=400)
    return _render(
        request,
        outcome.attendance,
        notice=outcome.message,
        conflict=not outcome.recorded,
        finished=answer in ("later", "dismiss"),
    )


def _render(
    request,
    attendance: Attendance,
    *,
    preselected: str = "",
    notice: str = "",
    error: str = "",
    conflict: bool = False,
    finished: bool = False,
    feedback_form: FeedbackForm | None = None,
    status: int = 200,
):
    event, user = attendance.event, attendance.membership.user
    if feedback_form is None:
        feedback_form = FeedbackForm(
            initial={"rating": attendance.rating, "comment": attendance.feedback}
        )
    has_conflict = conflict or (
        AttendanceChange.objects.filter(attendance=attendance).open_conflicts().exists()
    )
    context = {
        "attendance": attendance,
        "event": event,
        "org": event.org,
        "when": event_email_context(event, user=user)["when"],
        "preselected": preselected,
        "notice": notice,
        "error": error,
        "notice_warning": conflict,
        "conflict": has_conflict,
        "finished": finished,
        "recorded_by": RECORDED_BY.get(attendance.attended_source, ""),
        "feedback_form": feedback_form,
        "rating": feedback_form["rating"].value() if feedback_form.is_bound else attendance.rating,
        "allow_later": _may_defer(attendance),
        "action_url": request.path,
    }
    return render(request, TEMPLATE, context, status=status)
