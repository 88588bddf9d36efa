"""Exports of the directory's current view.

- `/orgs/<slug>/admin/members/export/` (GET): what would be exported (row count,
  filters), the buttons, and the org's export log.
- `/orgs/<slug>/admin/members/export.csv` and `.xlsx` (POST only; the filters travel in
  the form): re-authentication first (allauth replays the POST after the password), then
  the audit-log row, then the file, streamed.
"""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView, View

from crm.models import ExportLog
from crm.selectors.directory import directory_facets
from crm.services.export import csv_stream, export_log_create, export_rows, xlsx_file
from crm.views.base import CRM_PERMISSION, CrmPageMixin
from crm.views.directory import filter_form


def _fields(filters) -> list[tuple[str, str]]:
    """The filters as (name, value) pairs for hidden inputs."""
    pairs = []
    for name, value in filters.as_query().items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, str(item)))
    return pairs


class ExportPageView(CrmPageMixin, TemplateView):
    permission = CRM_PERMISSION
    crm_section = "members"
    template_name = "crm/export.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = filter_form(self.request.GET, self.org)
        filters = form.filters()
        summary = directory_facets(org=self.org, filters=filters)
        context.update(
            filters=filters,
            notices=form.messages(),
            row_count=summary["total"],
            hidden_fields=_fields(filters),
            logs=ExportLog.objects.for_org(self.org).select_related("user")[:20],
        )
        return context


@method_decorator(reauthentication_required, name="post")
class ExportDownloadView(CrmPageMixin, View):
    """POST: stream the filtered directory as CSV or .xlsx (`format` from the URL)."""

    permission = CRM_PERMISSION
    http_method_names = ["post"]
    format = ExportLog.Format.CSV

    def post(self, request, slug):
        form = filter_form(request.POST, self.org)
        filters = form.filters()
        if form.messages():
            messages.error(request, "The export was not made: " + " ".join(form.messages()))
            return redirect(reverse("crm:export", kwargs={"slug": self.org.slug}))
        row_count = directory_facets(org=self.org, filters=filters)["total"]
        if row_count == 0:
            messages.warning(request, "Nothing to export: no one matches these filters.")
            return redirect(reverse("crm:export", kwargs={"slug": self.org.slug}))
        export_log_create(
            org=self.org,
            user=request.user,
            format=self.format,
            filters=filters,
            row_count=row_count,
        )
        stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
        filename = f"{self.org.slug}-members-{stamp}.{self.format}"
        rows = export_rows(org=self.org, filters=filters)
        if self.format == ExportLog.Format.XLSX:
            return FileResponse(
                xlsx_file(rows),
                as_attachment=True,
                filename=filename,
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        zone = timezone.get_current_timezone()
        response = StreamingHttpResponse(_in_zone(csv_stream(rows), zone), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response


def _in_zone(stream, zone):
    """Keep the admin's time zone while the response streams (after the view returned)."""
    with timezone.override(zone):
        yield from stream
