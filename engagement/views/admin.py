"""`/orgs/<slug>/admin/engagement/`: the distribution, the members at each level, recompute."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from engagement.models import Level
from engagement.permissions import ENGAGEMENT_MANAGE
from engagement.selectors import (
    engagement_panel_get,
    level_distribution,
    memberships_with_engagement,
    scored_memberships,
)
from engagement.views.recompute import latest_run
from orgs.permissions import OrgAdminRequiredMixin
from orgs.selectors import access_membership_as_admin

PAGE_SIZE = 50


def ai_status() -> dict:
    enabled = bool(settings.ANTHROPIC_API_KEY)
    return {
        "enabled": enabled,
        "model": settings.ASTN_LLM_MODEL,
        "reason": "" if enabled else "no Anthropic API key is configured",
    }


class EngagementAdminView(OrgAdminRequiredMixin, TemplateView):
    """GET: levels and rationales, filterable by level (`?level=at_risk`)."""

    permission = ENGAGEMENT_MANAGE

    template_name = "engagement/engagement_admin.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        level = self.request.GET.get("level", "")
        if level not in Level.values and level != "none":
            level = ""
        members = memberships_with_engagement(scored_memberships(org=self.org)).select_related(
            "user", "engagement"
        )
        if level == "none":
            members = members.filter(effective_level__isnull=True)
        elif level:
            members = members.filter(effective_level=level)
        members = members.order_by("-engagement_rank", "-engagement_score", "name", "pk")
        page = Paginator(members, PAGE_SIZE).get_page(self.request.GET.get("page"))
        distribution = level_distribution(org=self.org)
        context.update(
            recompute=latest_run(self.org),
            ai_status=ai_status(),
            level=level,
            page=page,
            distribution=distribution,
            total=sum(row["count"] for row in distribution),
        )
        return context


class MemberEngagementView(OrgAdminRequiredMixin, TemplateView):
    """GET: the engagement panel of one membership (a fragment for htmx, else a page)."""

    permission = ENGAGEMENT_MANAGE

    template_name = "engagement/member_engagement.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["engagement/partials/_engagement_panel.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        membership = access_membership_as_admin(org=self.org, membership_id=kwargs["membership_id"])
        context.update(
            membership=membership,
            engagement=engagement_panel_get(membership=membership),
            can_override=True,
        )
        return context
