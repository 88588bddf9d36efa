from __future__ import annotations

import logging
from datetime import timedelta

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import TemplateView

from astn.core import dashboard

logger = logging.getLogger(__name__)
NEW_MEMBER_FOR = timedelta(days=1)


class HomeView(TemplateView):
    """The landing page for visitors; the member dashboard once signed in."""

    def get_template_names(self) -> list[str]:
        if self.request.user.is_authenticated:
            return ["core/dashboard.html"]
        return ["core/landing.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.is_authenticated:
            user = self.request.user
            # Their first day: greet them, not "welcome back" (the panels show next steps).
            context["is_new_member"] = timezone.now() - user.date_joined < NEW_MEMBER_FOR
            panels = dashboard.panels_for(self.request)
            context["main_panels"] = [p for p in panels if p["panel"].column == "main"]
            context["side_panels"] = [p for p in panels if p["panel"].column == "side"]
        return context


def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database and Redis both answer, 503 otherwise."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:
        logger.warning("healthz: database check failed: %s", exc.__class__.__name__)
        checks["database"] = "error"
    try:
        from django.core.cache import cache

        cache.set("healthz", "ok", 10)
        checks["redis"] = "ok" if cache.get("healthz") == "ok" else "error"
    except Exception as exc:
        logger.warning("healthz: redis check failed: %s", exc.__class__.__name__)
        checks["redis"] = "error"
    healthy = all(value == "ok" for value in checks.values())
    response = JsonResponse({"status": "ok" if healthy else "error", **checks})
    response.status_code = 200 if healthy else 503
    response["Cache-Control"] = "no-store"
    return response


def _error(template: str, status: int):
    def view(request, exception=None):
        return render(request, template, status=status)

    return view


bad_request = _error("errors/400.html", 400)
permission_denied = _error("errors/403.html", 403)
page_not_found = _error("errors/404.html", 404)


def server_error(request):
    # No context processors or user lookups: the failure may be in them.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("errors/500.html").render())


def favicon(request: HttpRequest) -> HttpResponse:
    """`/favicon.ico` for browsers that ask for it: the SVG icon. Resolved per request, not at
    import, so a manifest storage (production) is only consulted once static files exist."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
