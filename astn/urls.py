"""Root URLconf. Paths follow the contract in DESIGN §5; apps own their own `urls.py`."""

from django.contrib import admin
from django.urls import include, path

from astn.core import views as core_views

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "favicon.ico",
        core_views.favicon,
        name="favicon",
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("astn.accounts.urls")),
    path("", include("astn.notifications.urls")),
    path("", include("orgs.urls")),
    path("", include("events.urls")),
    path("", include("attendance.urls")),
    path("", include("engagement.urls")),
    path("", include("communities.urls")),
    path("", include("crm.urls")),
]

handler400 = "astn.core.views.bad_request"
handler403 = "astn.core.views.permission_denied"
handler404 = "astn.core.views.page_not_found"
handler500 = "astn.core.views.server_error"
