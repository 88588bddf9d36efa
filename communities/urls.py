"""URLs of communities (DESIGN §5): public join and round pages, org-admin pages."""

from django.urls import path

from communities.views import admin, public

app_name = "communities"

ADMIN = "orgs/<slug:slug>/admin/communities/"
COMMUNITY = ADMIN + "<int:community_id>/"

urlpatterns = [
    path("join/<slug:slug>/", public.join_view, name="join"),
    path("join/<slug:slug>/confirm/<str:token>/", public.join_confirm_view, name="join-confirm"),
    path("c/<slug:slug>/rounds/<str:month>/", public.round_view, name="round"),
    path("c/<slug:slug>/me/", public.member_settings_view, name="member-settings"),
    path("c/<slug:slug>/unsubscribe/<str:token>/", public.unsubscribe_view, name="unsubscribe"),
    path("c/<slug:slug>/met/<str:token>/", public.met_view, name="met"),
    path(ADMIN, admin.CommunityListView.as_view(), name="admin-list"),
    path(ADMIN + "new/", admin.CommunityCreateView.as_view(), name="admin-create"),
    path(COMMUNITY, admin.CommunityDetailView.as_view(), name="admin-detail"),
    path(COMMUNITY + "edit/", admin.CommunityEditView.as_view(), name="admin-edit"),
    path(COMMUNITY + "rounds/open/", admin.RoundOpenView.as_view(), name="admin-round-open"),
    path(
        COMMUNITY + "rounds/<int:round_id>/",
        admin.RoundDetailView.as_view(),
        name="admin-round",
    ),
    path(
        COMMUNITY + "rounds/<int:round_id>/extend/",
        admin.RoundActionView.as_view(action="extend"),
        name="admin-round-extend",
    ),
    path(
        COMMUNITY + "rounds/<int:round_id>/close/",
        admin.RoundActionView.as_view(action="close"),
        name="admin-round-close",
    ),
    path(
        COMMUNITY + "rounds/<int:round_id>/match/",
        admin.RoundActionView.as_view(action="match"),
        name="admin-round-match",
    ),
    path(
        COMMUNITY + "matches/<int:match_id>/reschedule/",
        admin.MatchActionView.as_view(action="reschedule"),
        name="admin-match-reschedule",
    ),
    path(
        COMMUNITY + "matches/<int:match_id>/drop/",
        admin.MatchActionView.as_view(action="drop"),
        name="admin-match-drop",
    ),
]
