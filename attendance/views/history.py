"""The member's own answers, signed in: `/me/attendance/` and the dashboard cards' POST.

Session-authenticated, with the normal CSRF check (htmx sends the token). Every
write goes through `attendance.services.answers`, like the email link.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from astn.core.http import safe_next
from attendance.cards import answer_card_state
from attendance.errors import AnswerError
from attendance.extensions import history_panels_for
from attendance.forms.answers import AnswerForm, FeedbackForm
from attendance.selectors.answers import (
    access_my_attendance,
    my_attendance_history,
    pending_answers,
)
from attendance.services.answers import (
    attendance_answer,
    attendance_dismiss,
    attendance_feedback_set,
    prompt_defer,
)

CARD_TEMPLATE = "attendance/partials/_answer_card.html"
PAGE_SIZE = 20


class AttendanceHistoryView(LoginRequiredMixin, TemplateView):
    """Every event I RSVPed to or attended, across orgs, with my answers and feedback."""

    template_name = "attendance/attendance_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        page = Paginator(my_attendance_history(user=user), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        here = self.request.get_full_path()
        pending = pending_answers(user=user, limit=10) if page.number == 1 else []
        pending_ids = {a.pk for a in pending}
        context.update(
            page=page,
            pending=[answer_card_state(a, next_url=here, conflict=False) for a in pending],
            rows=[
                {
                    "attendance": a,
                    "card": answer_card_state(a, next_url=here, conflict=bool(a.open_conflicts)),
                }
                for a in page.object_list
                if a.pk not in pending_ids
            ],
            hides_from_admins=not user.privacy_settings.attendance_visible_to_admins,
            panels=history_panels_for(self.request) if page.number == 1 else [],
        )
        return context


class MyAnswerView(LoginRequiredMixin, View):
    """Record my answer or feedback for one of my events (from a card)."""

    http_method_names = ["post"]

    def post(self, request, attendance_id: int):
        attendance = access_my_attendance(user=request.user, attendance_id=attendance_id)
        next_url = _safe_next(request)
        notice, error, conflict = "", "", None
        feedback_form = None
        if request.POST.get("step") == "feedback":
            feedback_form = FeedbackForm(request.POST)
            if feedback_form.is_valid():
                try:
                    attendance = attendance_feedback_set(
                        attendance=attendance,
                        rating=feedback_form.cleaned_data["rating"],
                        comment=feedback_form.cleaned_data["comment"],
                    )
                    notice = "Thank you for the feedback!"
                    feedback_form = None
                except AnswerError as exc:
                    feedback_form.add_error(None, str(exc))
            if feedback_form is not None:
                error = "Please check your feedback below."
        else:
            form = AnswerForm(request.POST)
            if not form.is_valid():
                error = form.errors["answer"][0]
            else:
                try:
                    outcome = _apply(form.cleaned_data["answer"], attendance, user=request.user)
                    attendance, notice = outcome.attendance, outcome.message
                    conflict = True if not outcome.recorded else None
                except AnswerError as exc:
                    error = str(exc)
        card = answer_card_state(
            attendance,
            notice=notice,
            error=error,
            feedback_form=feedback_form,
            next_url=next_url,
            conflict=conflict,
        )
        if request.htmx:
            return render(request, CARD_TEMPLATE, {"card": card})
        if feedback_form is not None or (error and not notice):
            # Without JavaScript, an error shows the card on its own page, input kept.
            return render(request, "attendance/attendance_edit.html", {"card": card}, status=400)
        messages.success(request, notice)
        return redirect(next_url)


def _apply(answer: str, attendance, *, user):
    if answer == "later":
        return prompt_defer(attendance=attendance)
    if answer == "dismiss":
        return attendance_dismiss(attendance=attendance)
    return attendance_answer(attendance=attendance, attended=answer == "yes", actor=user)


def _safe_next(request) -> str:
    return safe_next(request, request.POST.get("next"), reverse("attendance:history"))
