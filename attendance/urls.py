from django.urls import path, re_path

from attendance import views, views_answer, views_checkin, views_history

app_name = "attendance"
urlpatterns = [
    path(
        "orgs/<slug:slug>/events/<int:event_id>/rsvp/",
        views.RsvpView.as_view(),
        name="rsvp",
    ),
    path("me/calendar/", views.CalendarView.as_view(), name="calendar"),
    path(
        "me/calendar/regenerate/",
        views.CalendarRegenerateView.as_view(),
        name="calendar-regenerate",
    ),
    re_path(
        r"^me/calendar/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$",
        views.calendar_feed,
        name="calendar-feed",
    ),
    # "Did you attend?" (#6): the signed email link, my history, the check-in list.
    path("a/<str:token>/", views_answer.answer_view, name="answer"),
    path("me/attendance/", views_history.AttendanceHistoryView.as_view(), name="history"),
    path(
        "me/attendance/<int:attendance_id>/",
        views_history.MyAnswerView.as_view(),
        name="my-answer",
    ),
    path(
        "orgs/<slug:slug>/admin/events/<int:event_id>/checkin/",
        views_checkin.CheckinView.as_view(),
        name="checkin",
    ),
    path(
        "orgs/<slug:slug>/admin/events/<int:event_id>/checkin/walk-in/",
        views_checkin.CheckinWalkInView.as_view(),
        name="checkin-walk-in",
    ),
]
