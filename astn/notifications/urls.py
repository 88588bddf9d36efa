from django.urls import path

from astn.notifications import views

app_name = "notifications"
urlpatterns = [
    path("me/settings/", views.MemberSettingsView.as_view(), name="settings"),
    path("notifications/", views.NotificationListView.as_view(), name="list"),
    path("notifications/bell/", views.notification_bell, name="bell"),
    path("notifications/read-all/", views.notification_read_all, name="read-all"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="read"),
    path("notifications/<int:notification_id>/open/", views.notification_open, name="open"),
    path("u/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
