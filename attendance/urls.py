from django.urls import path, re_path

from attendance.views import answer, checkin, history, imports, messages, rsvp

app_name = "attendance"
urlpatterns = [
    path(
        "orgs/<slug:slug>/events/<int:event_id>/rsvp/",
        rsvp.RsvpView.as_view(),
        name="rsvp",
    ),
    path("me/calendar/", rsvp.CalendarView.as_view(), name="calendar"),
    path(
        "me/calendar/regenerate/",
        rsvp.CalendarRegenerateView.as_view(),
        name="calendar-regenerate",
    ),
    re_path(
        r"^me/calendar/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$",
        rsvp.calendar_feed,
        name="calendar-feed",
    ),
    # "Did you attend?" (#6): the signed email link, my history, the check-in list.
    path("a/<str:token>/", answer.answer_view, name="answer"),
    path("me/attendance/", history.AttendanceHistoryView.as_view(), name="history"),
    path(
        "me/attendance/<int:attendance_id>/",
        history.MyAnswerView.as_view(),
        name="my-answer",
    ),
    path(
        "orgs/<slug:slug>/admin/events/<int:event_id>/checkin/",
        checkin.CheckinView.as_view(),
        name="checkin",
    ),
    path(
        "orgs/<slug:slug>/admin/events/<int:event_id>/checkin/walk-in/",
        checkin.CheckinWalkInView.as_view(),
        name="checkin-walk-in",
    ),
    path(
        "orgs/<slug:slug>/admin/events/<int:event_id>/messages/",
        messages.EventMessagesView.as_view(),
        name="event-messages",
    ),
    # Attendance imports (#11).
    path("orgs/<slug:slug>/admin/imports/", imports.ImportListView.as_view(), name="import-list"),
    path("orgs/<slug:slug>/admin/imports/new/", imports.ImportNewView.as_view(), name="import-new"),
    path(
        "orgs/<slug:slug>/admin/imports/settings/",
        imports.ImportThresholdView.as_view(),
        name="import-threshold",
    ),
    path(
        "orgs/<slug:slug>/admin/imports/<int:import_id>/",
        imports.ImportDetailView.as_view(),
        name="import-detail",
    ),
    path(
        "orgs/<slug:slug>/admin/imports/<int:import_id>/preview/",
        imports.ImportPreviewView.as_view(),
        name="import-preview",
    ),
    path(
        "orgs/<slug:slug>/admin/imports/<int:import_id>/preview/counts/<slug:digest>/",
        imports.ImportPreviewCountsView.as_view(),
        name="import-preview-counts",
    ),
    path(
        "orgs/<slug:slug>/admin/imports/<int:import_id>/progress/",
        imports.ImportProgressView.as_view(),
        name="import-progress",
    ),
    path(
        "orgs/<slug:slug>/admin/imports/<int:import_id>/skipped.csv",
        imports.ImportSkippedCsvView.as_view(),
        name="import-skipped",
    ),
    path(
        "orgs/<slug:slug>/admin/imports/<int:import_id>/undo/",
        imports.ImportUndoView.as_view(),
        name="import-undo",
    ),
    path(
        "orgs/<slug:slug>/admin/imports/<int:import_id>/discard/",
        imports.ImportDiscardView.as_view(),
        name="import-discard",
    ),
]
