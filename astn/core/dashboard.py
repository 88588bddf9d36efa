"""Dashboard panels contributed by apps, so the dashboard never imports the apps above it.

An app registers a panel in its `AppConfig.ready()`:

    dashboard.panels.register(Panel(name="upcoming-events", order=20,
                             template="events/partials/_dashboard_upcoming.html",
                             context=upcoming_for_dashboard))

`context(request)` returns the template context, or None to hide the panel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from astn.core.registry import Registry


@dataclass(frozen=True)
class Panel:
    name: str
    order: int
    template: str
    context: Callable[[HttpRequest], dict | None]
    column: str = "main"  # "main" or "side"


panels: Registry[Panel] = Registry("dashboard panels")


def register(panel: Panel) -> None:
    """Same as `panels.register(panel)` (kept for existing callers)."""
    panels.register(panel)


def panels_for(request: HttpRequest) -> list[dict]:
    """Render-ready panels for the dashboard, in order; panels with no context are skipped."""
    rendered = []
    for panel in panels:
        context = panel.context(request)
        if context is not None:
            rendered.append({"panel": panel, "context": context})
    return rendered
