"""`/orgs/<slug>/admin/`: the org admin's dashboard — figures for a period against the one
before, charts with their tables, and the lists that need an admin."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_date
from django.views.generic import TemplateView

from crm.selectors import dashboard as selectors
from crm.selectors.dashboard_activity import period_activity
from crm.selectors.followups import open_followups_for_admin
from crm.views.base import CRM_PERMISSION, CrmPageMixin


def _date(raw: str | None):
    try:
        return parse_date(raw or "")
    except ValueError:
        return None


def _url(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


class DashboardView(CrmPageMixin, TemplateView):
    permission = CRM_PERMISSION
    crm_section = "dashboard"
    template_name = "crm/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.org
        params = self.request.GET
        start, end = _date(params.get("from")), _date(params.get("to"))
        period, notice = selectors.period_get(
            key=params.get("range") or selectors.DEFAULT_RANGE, start=start, end=end
        )
        if params.get("range") == "custom" and (params.get("from") and start is None):
            notice = "The start date was not understood; showing the last 90 days."
        directory = reverse("crm:directory", kwargs={"slug": org.slug})
        links = {
            "directory": directory,
            "invite": reverse("orgs:settings", kwargs={"slug": org.slug}) + "#invites",
            "new_event": _url("events:admin-create", slug=org.slug),
            "events": _url("events:admin-list", slug=org.slug),
            "calendar": reverse("orgs:settings", kwargs={"slug": org.slug}) + "#calendar",
            "imports": _url("attendance:import-list", slug=org.slug),
            "import_new": _url("attendance:import-upload", slug=org.slug)
            or _url("attendance:import-list", slug=org.slug),
            "engagement": _url("engagement:admin", slug=org.slug),
        }
        people = selectors.people_counts(org=org)
        activity = period_activity(org=org, period=period)
        charts = [
            selectors.level_chart(counts=people.levels, directory_url=directory),
            selectors.attendance_chart(activity=activity),
            selectors.conversion_chart(activity=activity),
            selectors.career_chart(counts=people.careers),
        ]
        context.update(
            period=period,
            notice=notice,
            ranges=[(key, label) for key, (label, _) in selectors.RANGES.items()],
            custom_from=start,
            custom_to=end,
            is_new=selectors.org_is_new(org=org),
            figures=selectors.dashboard_figures(org=org, period=period, activity=activity),
            charts=charts,
            charts_json={chart.id: chart.as_json() for chart in charts},
            upcoming=selectors.upcoming_events(org=org),
            imports=selectors.recent_imports(org=org),
            attention=selectors.attention(org=org, at_risk_total=people.levels.get("at_risk", 0)),
            followups=open_followups_for_admin(org=org, user=self.request.user, limit=5),
            followups_url=_url("crm:followup-list", slug=org.slug),
            links=links,
        )
        return context
