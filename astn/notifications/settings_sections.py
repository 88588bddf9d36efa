"""Extra sections of `/me/settings/`, contributed by apps above `astn.notifications`.

`astn.notifications` may not import `orgs`, yet the settings page should list the
orgs a member has muted. So `orgs` registers a section from its `AppConfig.ready()`:

    from astn.notifications import settings_sections
    settings_sections.sections.register(settings_sections.Section(
        name="muted-orgs", order=10, title="Muted orgs",
        template="orgs/partials/_settings_muted_orgs.html",
        context=lambda request: {"memberships": muted_memberships(user=request.user)},
    ))

`context(request)` returns the template context, or None to leave the section out; the
template sees it as `section` (e.g. `{{ section.memberships }}`).
The section's template is rendered inside a card in the page's side column,
outside the settings `<form>` (so it may hold its own forms, e.g. unmute buttons).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from astn.core.registry import Registry


@dataclass(frozen=True)
class Section:
    name: str
    order: int
    title: str
    template: str
    context: Callable[[HttpRequest], dict | None]


sections: Registry[Section] = Registry("me/settings sections")


def register(section: Section) -> None:
    """Same as `sections.register(section)` (kept for existing callers)."""
    sections.register(section)


def unregister(name: str) -> None:
    sections.unregister(name)


def sections_for(request: HttpRequest) -> list[dict]:
    """Return the sections to show, in order, each with its rendered-ready context."""
    shown = []
    for section in sections:
        context = section.context(request)
        if context is not None:
            shown.append({"section": section, "context": context})
    return shown
