"""Engagement pages (DESIGN §5). Every `orgs/<slug:slug>/admin/...` view uses
`OrgAdminRequiredMixin` and is listed in `tests/engagement/admin_urls.py`."""

from django.urls import path

from engagement.views import admin, member, overrides, recompute

app_name = "engagement"
urlpatterns = [
    path("orgs/<slug:slug>/admin/engagement/", admin.EngagementAdminView.as_view(), name="admin"),
    path(
        "orgs/<slug:slug>/admin/engagement/recompute/",
        recompute.RecomputeView.as_view(),
        name="recompute",
    ),
    path(
        "orgs/<slug:slug>/admin/engagement/recompute/status/",
        recompute.RecomputeStatusView.as_view(),
        name="recompute-status",
    ),
    path("me/engagement/", member.MyEngagementView.as_view(), name="me"),
    path(
        "orgs/<slug:slug>/admin/engagement/members/<int:membership_id>/",
        admin.MemberEngagementView.as_view(),
        name="member",
    ),
    path(
        "orgs/<slug:slug>/admin/engagement/members/<int:membership_id>/override/",
        overrides.OverrideView.as_view(),
        name="override",
    ),
    path(
        "orgs/<slug:slug>/admin/engagement/members/<int:membership_id>/override/clear/",
        overrides.OverrideClearView.as_view(),
        name="override-clear",
    ),
]
