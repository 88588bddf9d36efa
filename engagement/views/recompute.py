""" "Recompute now": POST queues a background run; GET polls its progress (htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from engagement.models import RecomputeRun
from engagement.permissions import ENGAGEMENT_MANAGE
from engagement.services.jobs import recompute_request
from orgs.permissions import OrgAdminRequiredMixin

PARTIAL = "engagement/partials/_recompute.html"


def latest_run(org) -> RecomputeRun | None:
    return RecomputeRun.objects.filter(org=org).order_by("-created_at", "-pk").first()


class RecomputeView(OrgAdminRequiredMixin, View):
    """POST `/orgs/<slug>/admin/engagement/recompute/`."""

    permission = ENGAGEMENT_MANAGE

    http_method_names = ["post"]

    def post(self, request, slug):
        run = recompute_request(org=self.org, acting_user=request.user)
        run.refresh_from_db()
        if request.htmx:
            return render(request, PARTIAL, {"org": self.org, "run": run})
        messages.success(request, "Recompute started: levels update in a minute or two.")
        return redirect("engagement:admin", slug=self.org.slug)


class RecomputeStatusView(OrgAdminRequiredMixin, View):
    """GET `/orgs/<slug>/admin/engagement/recompute/status/`: the progress fragment."""

    permission = ENGAGEMENT_MANAGE

    def get(self, request, slug):
        run = latest_run(self.org)
        finished = run is None or run.status in {
            RecomputeRun.Status.DONE,
            RecomputeRun.Status.FAILED,
        }
        if request.GET.get("poll") and finished:
            # The run the page was watching has ended: reload it to show the new levels.
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        return render(request, PARTIAL, {"org": self.org, "run": run})
