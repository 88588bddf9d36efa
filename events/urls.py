"""Event pages (DESIGN §5). Every `orgs/<slug:slug>/admin/...` view uses `OrgAdminRequiredMixin`
and is listed in `tests/orgs/admin_url_inventory.py` (a meta-test fails otherwise)."""

from django.urls import path

from events.views import admin, pages, sources

app_name = "events"

ADMIN = "orgs/<slug:slug>/admin/events/"
EVENT_ADMIN = ADMIN + "<int:event_id>/"
SETTINGS = "orgs/<slug:slug>/admin/settings/calendar/"

urlpatterns = [
    path("events/", pages.MyEventsView.as_view(), name="mine"),
    path("orgs/<slug:slug>/events/", pages.OrgEventListView.as_view(), name="org-list"),
    path("orgs/<slug:slug>/events.ics", pages.OrgFeedView.as_view(), name="org-feed"),
    path(
        "orgs/<slug:slug>/events/<int:event_id>/",
        pages.EventDetailView.as_view(),
        name="event-detail",
    ),
    path(
        "orgs/<slug:slug>/events/<int:event_id>.ics",
        pages.EventIcsView.as_view(),
        name="event-ics",
    ),
    path(ADMIN, admin.EventAdminListView.as_view(), name="admin-list"),
    path(ADMIN + "new/", admin.EventCreateView.as_view(), name="admin-create"),
    path(EVENT_ADMIN + "edit/", admin.EventUpdateView.as_view(), name="admin-edit"),
    path(EVENT_ADMIN + "publish/", admin.EventPublishView.as_view(), name="admin-publish"),
    path(EVENT_ADMIN + "cancel/", admin.EventCancelView.as_view(), name="admin-cancel"),
    path(EVENT_ADMIN + "duplicate/", admin.EventDuplicateView.as_view(), name="admin-duplicate"),
    path(SETTINGS + "luma/", sources.LumaKeyView.as_view(), name="settings-luma"),
    path(SETTINGS + "ical/", sources.IcsFeedView.as_view(), name="settings-ical"),
    path(SETTINGS + "sync/", sources.SyncNowView.as_view(), name="settings-sync"),
]
