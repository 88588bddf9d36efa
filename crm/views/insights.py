"""`/orgs/<slug>/admin/insights/`: event summary, leaderboard, advocates, declining
engagement and whom to invite — each row with an action (follow up, invite)."""

from __future__ import annotations

from django.views.generic import TemplateView

from crm.selectors import insights as selectors
from crm.selectors.invitations import org_conversion, upcoming_for_invitations, whom_to_invite
from crm.selectors.period import CHOICES, period_from_params
from crm.views.base import CRM_PERMISSION, CrmPageMixin

VIEWS = ("people", "company")


class InsightsView(CrmPageMixin, TemplateView):
    permission = CRM_PERMISSION
    crm_section = "insights"
    template_name = "crm/insights.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = period_from_params(self.request.GET)
        board = self.request.GET.get("board", "people")
        if board not in VIEWS:
            board = "people"
        figures = selectors.member_figures(org=self.org, period=period)
        upcoming = upcoming_for_invitations(org=self.org)
        total, by_event = org_conversion(org=self.org, since=period.start)
        context.update(
            period=period,
            period_choices=CHOICES,
            board=board,
            summary=selectors.event_summary(org=self.org, period=period),
            events_held=selectors.org_event_count(org=self.org, period=period),
            leaders=selectors.leaderboard(figures),
            companies=(
                selectors.by_company(org=self.org, period=period) if board == "company" else []
            ),
            advocates=selectors.advocacy_candidates(figures),
            decliners=selectors.declining(figures, org=self.org, period=period),
            invite_groups=whom_to_invite(org=self.org, events=upcoming),
            conversion=total,
            conversion_events=by_event,
        )
        return context
