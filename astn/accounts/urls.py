"""The member's own pages (DESIGN §5). `/me/settings/` lives in astn.notifications."""

from django.urls import path

from astn.accounts import views

app_name = "accounts"
urlpatterns = [
    path("me/profile/", views.ProfileView.as_view(), name="profile"),
    path("me/export/", views.export_view, name="export"),
    path("me/delete/", views.AccountDeleteView.as_view(), name="delete"),
]
