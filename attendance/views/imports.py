"""Attendance imports for org admins (`/orgs/<slug>/admin/imports/...`).

list → new (upload) → preview (GET shows and refreshes; POST confirms) → result (with
a live progress bar while a big file runs in the background) → undo. Every view uses
`OrgAdminRequiredMixin` and is listed in `tests/attendance/admin_urls.py`.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from attendance.errors import AttendanceImportError, ImportFileError
from attendance.forms.imports import ImportOptionsForm, ImportThresholdForm, ImportUploadForm
from attendance.models import AttendanceImport
from attendance.selectors.imports import (
    access_import,
    import_events,
    import_list,
    preview_table,
    skipped_rows,
)
from attendance.services.import_events import events_match
from attendance.services.import_previews import (
    import_preview_request,
    import_preview_result,
    is_preview_digest,
)
from attendance.services.imports import (
    INLINE_ROWS,
    import_confirm,
    import_discard,
    import_preview,
    import_read,
    import_run,
    import_threshold_set,
    import_undo,
    import_upload,
)
from orgs.permissions import OrgAdminRequiredMixin


class ImportMixin(OrgAdminRequiredMixin):
    permission = "events.manage"

    def get_import(self) -> AttendanceImport:
        if not hasattr(self, "_import"):
            self._import = access_import(org=self.org, import_id=self.kwargs["import_id"])
        return self._import

    def url(self, name: str, imp: AttendanceImport | None = None) -> str:
        kwargs = {"slug": self.org.slug}
        if imp is not None:
            kwargs["import_id"] = imp.pk
        return reverse(f"attendance:{name}", kwargs=kwargs)


class ImportListView(ImportMixin, TemplateView):
    template_name = "attendance/import_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(imports=import_list(org=self.org), **kwargs)


class ImportNewView(ImportMixin, TemplateView):
    """GET: the upload form. POST: store and read the file, then show its preview."""

    template_name = "attendance/import_new.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ImportUploadForm())
        kwargs.setdefault(
            "threshold_form",
            ImportThresholdForm(initial={"minutes": self.org.attended_after_minutes}),
        )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                imp = import_upload(
                    org=self.org, user=request.user, uploaded=form.cleaned_data["file"]
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect(self.url("import-preview", imp))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ImportPreviewView(ImportMixin, TemplateView):
    """GET: what the file holds and what importing it would do (nothing is written).
    POST: confirm with the chosen format, columns and event."""

    template_name = "attendance/import_preview.html"

    def get(self, request, *args, **kwargs):
        imp = self.get_import()
        if imp.status != AttendanceImport.Status.PREVIEW:
            return redirect(self.url("import-detail", imp))
        return self.render_to_response(self.get_context_data(data=request.GET or None))

    def get_context_data(self, data=None, **kwargs):
        context = super().get_context_data(**kwargs)
        imp = self.get_import()
        fmt = (data or {}).get("format") or imp.format
        mapping = self._mapping(data, imp)
        try:
            reading = import_read(imp, format=fmt, mapping=mapping)
        except (ImportFileError, AttendanceImportError) as exc:
            context.update(imp=imp, error=str(exc))
            return context
        parsed = reading.parsed
        # Unsubmitted, the form starts from what was detected (and creates missing events).
        bound = data or {
            "format": parsed.format,
            "create_events": "on",
            **{f"map_{k}": v for k, v in parsed.mapping.items()},
        }
        form = ImportOptionsForm(bound, org=self.org, columns=parsed.columns)
        counts, problem, matches, counting_url = None, "", [], ""
        if form.is_valid():
            refs = list(parsed.events.values())
            matches = events_match(org=self.org, refs=refs, event=form.cleaned_data.get("event"))
            if imp.rows_total < INLINE_ROWS:
                try:
                    counts = import_preview(imp=imp, reading=reading, options=form.options())
                except AttendanceImportError as exc:
                    problem = str(exc)
            else:
                # A big file is counted in the background (import_previews); poll for it.
                digest, result = import_preview_request(
                    imp=imp, format=fmt, mapping=mapping, options=form.options()
                )
                if result is None:
                    counting_url = reverse(
                        "attendance:import-preview-counts",
                        kwargs={"slug": self.org.slug, "import_id": imp.pk, "digest": digest},
                    )
                else:
                    counts, problem = result.get("counts"), result.get("problem", "")
        context.update(
            imp=imp,
            reading=reading,
            parsed=parsed,
            form=form,
            counts=counts,
            problem=problem,
            counting_url=counting_url,
            matches=matches,
            table=preview_table(reading),
            is_generic=parsed.format == "generic",
        )
        return context

    def _mapping(self, data, imp: AttendanceImport) -> dict | None:
        if not data or "map_email" not in data:
            return None
        from attendance.imports.formats.generic import FIELDS

        return {k: data.get(f"map_{k}") for k in FIELDS if data.get(f"map_{k}")}

    def post(self, request, *args, **kwargs):
        imp = self.get_import()
        if imp.status != AttendanceImport.Status.PREVIEW:
            return redirect(self.url("import-detail", imp))
        try:
            reading = import_read(imp, format=request.POST.get("format", ""))
        except (ImportFileError, AttendanceImportError) as exc:
            messages.error(request, str(exc))
            return redirect(self.url("import-new"))
        form = ImportOptionsForm(request.POST, org=self.org, columns=reading.parsed.columns)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(data=request.POST), status=400)
        try:
            imp = import_confirm(
                imp=imp,
                user=request.user,
                format=form.cleaned_data["format"],
                mapping=form.mapping() if form.cleaned_data["format"] == "generic" else {},
                options=form.options(),
            )
        except AttendanceImportError as exc:
            messages.error(request, str(exc))
            return redirect(self.url("import-detail", imp))
        if imp.rows_total < INLINE_ROWS:
            import_run(import_id=imp.pk)
        return redirect(self.url("import-detail", imp))


class ImportDetailView(ImportMixin, TemplateView):
    """The result: counts, events, skipped rows; a progress bar while it runs."""

    template_name = "attendance/import_detail.html"

    def get(self, request, *args, **kwargs):
        imp = self.get_import()
        if imp.status == AttendanceImport.Status.PREVIEW:
            return redirect(self.url("import-preview", imp))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        imp = self.get_import()
        return super().get_context_data(
            imp=imp,
            skipped_shown=imp.skipped[:50],
            events=import_events(imp=imp) if imp.event_ids else [],
            nothing_changed=imp.status == "done"
            and not imp.counts.get("changes")
            and not imp.counts.get("new_contacts"),
            **kwargs,
        )


class ImportProgressView(ImportMixin, TemplateView):
    """htmx: the progress bar; once the import has finished, tells the page to reload."""

    template_name = "attendance/partials/_import_progress.html"

    def get(self, request, *args, **kwargs):
        imp = self.get_import()
        response = self.render_to_response(self.get_context_data(imp=imp))
        if not imp.is_active:
            response["HX-Refresh"] = "true"
        return response


class ImportPreviewCountsView(ImportMixin, TemplateView):
    """htmx: "still counting" while a big file's preview is counted in the background;
    once the counts are in (or the import is no longer a preview), reload the page."""

    template_name = "attendance/partials/_import_counting.html"

    def get(self, request, *args, **kwargs):
        imp = self.get_import()
        digest = kwargs["digest"]
        if not is_preview_digest(digest):
            raise Http404("No such preview.")
        done = (
            imp.status != AttendanceImport.Status.PREVIEW
            or import_preview_result(imp=imp, digest=digest) is not None
        )
        response = self.render_to_response(
            self.get_context_data(imp=imp, counting_url=request.path, done=done)
        )
        if done:
            response["HX-Refresh"] = "true"
        return response


class ImportSkippedCsvView(ImportMixin, View):
    def get(self, request, *args, **kwargs):
        imp = self.get_import()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{imp.pk}-skipped.csv"'
        csv.writer(response).writerows(skipped_rows(imp))
        return response


class ImportUndoView(ImportMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        imp = self.get_import()
        try:
            written = import_undo(imp=imp, user=request.user)
        except AttendanceImportError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Undone: {written} change{'s' if written != 1 else ''} reverted. Contacts the "
                "import added stay on your list.",
            )
        return redirect(self.url("import-detail", imp))


class ImportDiscardView(ImportMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        import_discard(imp=self.get_import())
        messages.info(request, "Discarded. Nothing was imported and the file was deleted.")
        return redirect(self.url("import-list"))


class ImportThresholdView(ImportMixin, View):
    """POST: change the org's "counts as attended after N minutes"."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ImportThresholdForm(request.POST)
        if form.is_valid():
            import_threshold_set(org=self.org, minutes=form.cleaned_data["minutes"])
            messages.success(
                request,
                f"People now count as attended after {form.cleaned_data['minutes']} minutes "
                "in imported reports.",
            )
        else:
            messages.error(request, "Choose a number of minutes between 0 and 600.")
        return redirect(self.url("import-new"))
