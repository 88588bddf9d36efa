from django.urls import path, re_path

from attendance import views

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
]
