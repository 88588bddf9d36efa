"""Org pages (DESIGN §5). Every `orgs/<slug:slug>/admin/...` view uses `OrgAdminRequiredMixin`
and is listed in `tests/orgs/admin_url_inventory.py` (a meta-test fails otherwise)."""

from django.urls import path

from orgs.views import invites, mute, public, settings

app_name = "orgs"
urlpatterns = [
    path("orgs/", public.OrgListView.as_view(), name="org-list"),
    path("orgs/new/", public.OrgCreateView.as_view(), name="org-create"),
    path("orgs/<slug:slug>/", public.OrgDetailView.as_view(), name="org-detail"),
    path("orgs/<slug:slug>/join/", public.OrgJoinView.as_view(), name="org-join"),
    path("orgs/<slug:slug>/leave/", public.OrgLeaveView.as_view(), name="org-leave"),
    path("orgs/<slug:slug>/mute/", mute.OrgMuteView.as_view(), name="org-mute"),
    path("invite/<str:token>/", invites.InviteView.as_view(), name="invite"),
    path(
        "orgs/<slug:slug>/admin/settings/",
        settings.OrgSettingsView.as_view(),
        name="settings",
    ),
    path(
        "orgs/<slug:slug>/admin/settings/invites/",
        settings.InviteLinkCreateView.as_view(),
        name="settings-invite-create",
    ),
    path(
        "orgs/<slug:slug>/admin/settings/invites/<int:invite_id>/revoke/",
        settings.InviteLinkRevokeView.as_view(),
        name="settings-invite-revoke",
    ),
    path(
        "orgs/<slug:slug>/admin/settings/admins/",
        settings.AdminPromoteView.as_view(),
        name="settings-admin-promote",
    ),
    path(
        "orgs/<slug:slug>/admin/settings/admins/<int:membership_id>/demote/",
        settings.AdminDemoteView.as_view(),
        name="settings-admin-demote",
    ),
]
