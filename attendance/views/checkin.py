"""The check-in list of one event, for the org's admins (`/orgs/<slug>/admin/events/<id>/checkin/`).

Every view uses `OrgAdminRequiredMixin` (anonymous → login, anyone else → 404) and
is listed in `tests/attendance/admin_urls.py` for the permission matrix.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from attendance.errors import CheckinError
from attendance.forms.answers import CheckinMarkForm, WalkInForm
from attendance.selectors.checkin import (
    checkin_conflicts,
    checkin_counts,
    checkin_rows,
    feedback_summary,
)
from attendance.services.checkin import checkin_closed_reason, checkin_mark, checkin_walk_in
from events.selectors import access_event_as_admin
from orgs.permissions import OrgAdminRequiredMixin

FILTERS = {
    "all": "Everyone",
    "unknown": "Not marked",
    "attended": "Attended",
    "no_show": "No-shows",
}
MARKED = {True: "attended", False: "a no-show", None: "not marked"}


class CheckinMixin(OrgAdminRequiredMixin):
    permission = "events.manage"

    def get_event(self):
        if not hasattr(self, "_event"):
            self._event = access_event_as_admin(org=self.org, event_id=self.kwargs["event_id"])
        return self._event

    def checkin_url(self) -> str:
        return reverse(
            "attendance:checkin",
            kwargs={"slug": self.org.slug, "event_id": self.kwargs["event_id"]},
        )


class CheckinView(CheckinMixin, TemplateView):
    """GET: the list, counts, conflicts and feedback. POST: mark one person or the ticked ones."""

    template_name = "attendance/checkin_list.html"
    walk_in_form: WalkInForm | None = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.get_event()
        status = self.request.GET.get("show", "all")
        if status not in FILTERS:
            status = "all"
        rows = list(checkin_rows(event=event))
        shown = [r for r in rows if _matches(r, status)]
        context.update(
            event=event,
            rows=shown,
            total=len(rows),
            counts=checkin_counts(event=event),
            conflicts=checkin_conflicts(event=event),
            feedback=feedback_summary(event=event),
            closed_reason=checkin_closed_reason(event),
            walk_in_form=self.walk_in_form or WalkInForm(),
            show=status,
            filters=list(FILTERS.items()),
        )
        return context

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        form = CheckinMarkForm(request.POST)
        target = self.checkin_url() + _keep_filter(request)
        if not form.is_valid():
            messages.error(request, form.non_field_errors()[0])
            return redirect(target)
        try:
            marked = checkin_mark(
                event=event,
                attendance_ids=form.cleaned_data["ids"],
                attended=form.cleaned_data["attended"],
                actor=request.user,
            )
        except CheckinError as exc:
            messages.error(request, str(exc))
            return redirect(target)
        what = MARKED[form.cleaned_data["attended"]]
        messages.success(
            request, f"Marked {marked} {'person' if marked == 1 else 'people'} {what}."
        )
        return redirect(target)


class CheckinWalkInView(CheckinView):
    """POST: someone came who is not on the list. Errors re-render the list, input kept."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        form = WalkInForm(request.POST)
        if form.is_valid():
            try:
                walk_in = checkin_walk_in(
                    event=event,
                    email=form.cleaned_data["email"],
                    name=form.cleaned_data["name"],
                    actor=request.user,
                )
            except CheckinError as exc:
                form.add_error("email", str(exc))
            else:
                person = walk_in.attendance.membership.display_name
                if walk_in.already_there:
                    messages.info(request, f"{person} was already checked in.")
                elif walk_in.new_contact:
                    messages.success(
                        request,
                        f"Checked in {person}. They are new to {self.org.name}, so they were "
                        "added as a contact.",
                    )
                else:
                    messages.success(request, f"Checked in {person}.")
                return redirect(self.checkin_url())
        self.walk_in_form = form
        return self.render_to_response(self.get_context_data(), status=400)


def _matches(attendance, status: str) -> bool:
    if status == "unknown":
        return attendance.attended is None
    if status == "attended":
        return attendance.attended is True
    if status == "no_show":
        return attendance.attended is False
    return True


def _keep_filter(request) -> str:
    show = request.POST.get("show", "")
    return f"?show={show}" if show in FILTERS and show != "all" else ""
