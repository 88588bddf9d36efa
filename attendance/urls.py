from django.urls import path  # noqa: F401 - patterns arrive with the app's issue

app_name = "attendance"
urlpatterns: list = []
