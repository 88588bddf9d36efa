"""Programs: `/orgs/<slug>/admin/programs/...` for admins, and a member's join request.

Admin views use `CrmPageMixin` (`OrgAdminRequiredMixin` plus the admin nav: anonymous →
login, others → 404) and are listed
in `tests/crm/admin_urls.py`. Every write goes through `crm.services.programs`.
"""

from __future__ import annotations

import csv

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView, View

from astn.core.http import search_param
from astn.core.spreadsheets import safe_cell
from crm.forms.programs import ProgramForm, SessionLinkForm, StatusForm
from crm.models import Enrollment, Program
from crm.selectors import programs as selectors
from crm.services import programs as services
from crm.services.programs import ProgramError
from crm.views.base import CRM_PERMISSION, CrmPageMixin
from orgs.selectors import access_org, membership_get


def program_url(program: Program) -> str:
    return reverse(
        "crm:program-detail", kwargs={"slug": program.org.slug, "program_id": program.pk}
    )


def _url_or_blank(name: str, org) -> str:
    try:
        return reverse(name, kwargs={"slug": org.slug})
    except NoReverseMatch:
        return ""


def _form_error(form, error: ProgramError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


class ProgramMixin(CrmPageMixin):
    permission = CRM_PERMISSION
    crm_section = "programs"

    def get_program(self) -> Program:
        if not hasattr(self, "_program"):
            self._program = selectors.access_program(
                org=self.org, program_id=self.kwargs["program_id"]
            )
        return self._program


class ProgramListView(ProgramMixin, TemplateView):
    template_name = "crm/program_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        archived = self.request.GET.get("status") == "archived"
        context.update(
            programs=selectors.program_list(org=self.org, archived=archived),
            archived=archived,
            counts=selectors.program_counts(org=self.org),
        )
        return context


class ProgramCreateView(ProgramMixin, TemplateView):
    template_name = "crm/program_form.html"

    def get_form(self):
        data = self.request.POST if self.request.method == "POST" else None
        return ProgramForm(data, events=selectors.linkable_events(org=self.org))

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            try:
                program = services.program_create(
                    org=self.org,
                    acting_user=request.user,
                    sessions=form.cleaned_data.get("sessions") or [],
                    **form.program_values(),
                )
            except ProgramError as error:
                _form_error(form, error)
            else:
                messages.success(request, f"“{program.name}” is created. Now enrol people.")
                return redirect(program_url(program))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProgramEditView(ProgramMixin, TemplateView):
    template_name = "crm/program_form.html"

    def get_form(self):
        data = self.request.POST if self.request.method == "POST" else None
        return ProgramForm(data, instance=self.get_program(), with_sessions=False)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["program"] = self.get_program()
        return context

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        program = self.get_program()
        form = self.get_form()
        if form.is_valid():
            try:
                services.program_update(program=program, **form.program_values())
            except ProgramError as error:
                _form_error(form, error)
            else:
                messages.success(request, f"Saved “{program.name}”.")
                return redirect(program_url(program))
        # A failed ModelForm has already copied the bad values onto the instance; reload it.
        self._program = selectors.access_program(org=self.org, program_id=program.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProgramDetailView(ProgramMixin, TemplateView):
    template_name = "crm/program_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        program = self.get_program()
        query = search_param(self.request)
        grid = selectors.program_grid(program=program)
        counts = {s: 0 for s in Enrollment.Status.values}
        for row in grid.rows:
            counts[row.enrollment.status] += 1
        context.update(
            program=program,
            grid=grid,
            counts=counts,
            requests=selectors.program_requests(program=program),
            query=query,
            candidates=(
                selectors.enrollable_members(org=self.org, program=program, query=query)
                if query
                else []
            ),
            link_form=kwargs.get("link_form")
            or SessionLinkForm(events=selectors.linkable_events(org=self.org, program=program)),
            status_form=StatusForm(),
            archived=program.status == Program.Status.ARCHIVED,
            directory_url=_url_or_blank("crm:directory", self.org),
        )
        return context


class ProgramArchiveView(ProgramMixin, View):
    """POST archives (or, with `restore`, brings back) a program."""

    def post(self, request, *args, **kwargs):
        program = self.get_program()
        restore = "restore" in request.POST
        services.program_archive(program=program, archived=not restore)
        if restore:
            messages.success(request, f"“{program.name}” is active again.")
            return redirect(program_url(program))
        messages.success(
            request, f"“{program.name}” is archived. Its history is kept; find it under Archived."
        )
        return redirect(reverse("crm:program-list", kwargs={"slug": self.org.slug}))


class ProgramSessionLinkView(ProgramMixin, View):
    def post(self, request, *args, **kwargs):
        program = self.get_program()
        for raw in request.POST.getlist("events"):
            if raw.isdigit():  # another org's event is "not found", like a missing one
                selectors.access_org_event(org=self.org, event_id=int(raw))
        form = SessionLinkForm(
            request.POST, events=selectors.linkable_events(org=self.org, program=program)
        )
        if not form.is_valid():
            for error in form.errors.get("events", []):
                messages.error(request, error)
            return redirect(program_url(program) + "#sessions")
        added = services.program_session_link(program=program, events=form.cleaned_data["events"])
        messages.success(request, f"Linked {added} session{'s' if added != 1 else ''}.")
        return redirect(program_url(program) + "#sessions")


class ProgramSessionUnlinkView(ProgramMixin, View):
    def post(self, request, *args, **kwargs):
        program = self.get_program()
        event = selectors.access_org_event(org=self.org, event_id=kwargs["event_id"])
        try:
            services.program_session_unlink(program=program, event=event)
        except ProgramError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"“{event.title}” is no longer a session of this program.")
        return redirect(program_url(program) + "#sessions")


class ProgramEnrollView(ProgramMixin, View):
    """POST `membership` (one or many ids, from the search or a directory selection)."""

    def post(self, request, *args, **kwargs):
        program = self.get_program()
        ids = request.POST.getlist("membership")
        if not ids:
            messages.error(request, "Pick at least one person to enrol.")
            return redirect(program_url(program) + "#participants")
        try:
            people = [
                selectors.access_org_membership(org=self.org, membership_id=int(pk)) for pk in ids
            ]
        except ValueError:
            messages.error(request, "That selection is not a list of people.")
            return redirect(program_url(program) + "#participants")
        try:
            added, already = services.enrollment_add(
                program=program, memberships=people, acting_user=request.user
            )
        except ProgramError as error:
            messages.error(request, str(error))
        else:
            text = f"Enrolled {len(added)} {'person' if len(added) == 1 else 'people'}."
            if already:
                text += f" {already} {'was' if already == 1 else 'were'} already in."
            messages.success(request, text)
        return redirect(program_url(program) + "#participants")


class EnrollmentDecideView(ProgramMixin, View):
    def post(self, request, *args, **kwargs):
        program = self.get_program()
        enrollment = selectors.access_enrollment(
            program=program, enrollment_id=kwargs["enrollment_id"]
        )
        approve = request.POST.get("decision") == "approve"
        try:
            services.enrollment_decide(
                enrollment=enrollment, approve=approve, acting_user=request.user
            )
        except ProgramError as error:
            messages.error(request, str(error))
        else:
            name = enrollment.membership.display_name
            verb = "is enrolled" if approve else "was declined"
            messages.success(request, f"{name} {verb}; we emailed them.")
        return redirect(program_url(program) + "#participants")


class EnrollmentStatusView(ProgramMixin, View):
    def post(self, request, *args, **kwargs):
        program = self.get_program()
        enrollment = selectors.access_enrollment(
            program=program, enrollment_id=kwargs["enrollment_id"]
        )
        form = StatusForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(program_url(program) + "#participants")
        try:
            services.enrollment_set_status(
                enrollment=enrollment, acting_user=request.user, **form.cleaned_data
            )
        except ProgramError as error:
            messages.error(request, str(error))
        else:
            status = Enrollment.Status(form.cleaned_data["status"]).label.lower()
            messages.success(request, f"{enrollment.membership.display_name} is now {status}.")
        return redirect(program_url(program) + "#participants")


class ProgramExportView(ProgramMixin, View):
    """POST: the attendance grid as CSV (audit-logged: who, when, how many rows). Names
    and emails leave ASTN here, so it asks for the password again like the member export
    (and, writing the audit row, it is no GET)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.get_program()  # another org's or a missing program: 404 before the password
        return self.export(request)

    @method_decorator(reauthentication_required)
    def export(self, request):
        program = self.get_program()
        grid = selectors.program_grid(program=program)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"program-{program.pk}-attendance-{timezone.now():%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response)
        writer.writerow(
            ["Name", "Email", "Status"]
            + [f"{s.start:%Y-%m-%d} {s.title}" for s in grid.sessions]
            + ["Attended"]
        )
        symbols = {True: "yes", False: "no", None: ""}
        for row in grid.rows:
            membership = row.enrollment.membership
            writer.writerow(
                [
                    safe_cell(membership.display_name),
                    safe_cell(membership.email),
                    row.enrollment.get_status_display(),
                ]
                + [symbols[cell.attended] for cell in row.cells]
                + [row.attended]
            )
        writer.writerow(["Attended per session", "", "", *grid.per_session, ""])
        services.program_export_log(program=program, user=request.user, rows=len(grid.rows))
        return response


class ProgramRequestView(LoginRequiredMixin, View):
    """A member asks to join an open program (from the org page)."""

    def post(self, request, slug: str, program_id: int):
        org = access_org(slug=slug)
        program = selectors.access_program(org=org, program_id=program_id)
        membership = membership_get(user=request.user, org=org)
        try:
            if membership is None:
                raise ProgramError(f"Join {org.name} first, then ask to join the program.")
            services.enrollment_request(program=program, membership=membership)
        except ProgramError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"You asked to join “{program.name}”. The organisers will email you."
            )
        return redirect(org.get_absolute_url())
