"""Extension points of `attendance` for the apps above it (DESIGN §3).

`history_panels` holds panels shown at the top of `/me/attendance/`, in the same
shape as the member dashboard's panels (`astn.core.dashboard.Panel`): a template
and a `context(request)` that returns its context, or None to hide the panel.
crm uses it for "Your programs" (sessions attended of N):

    # crm/hooks.py
    attendance_extensions.history_panels.register(Panel(name="crm-programs", order=10,
        template="crm/partials/_dashboard_programs.html", context=my_programs_context))
"""

from __future__ import annotations

from django.http import HttpRequest

from astn.core.dashboard import Panel
from astn.core.registry import Registry

history_panels: Registry[Panel] = Registry("attendance history panels")


def history_panels_for(request: HttpRequest) -> list[dict]:
    """Render-ready panels for `/me/attendance/`, in order; hidden ones left out."""
    rendered = []
    for panel in history_panels:
        context = panel.context(request)
        if context is not None:
            rendered.append({"panel": panel, "context": context})
    return rendered
