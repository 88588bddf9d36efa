"""Extension points of the org pages, so apps above orgs add to them without orgs importing them.

Two registries, filled from the `AppConfig.ready()` of the app that contributes:

**Org page panels** (`/orgs/<slug>/`)::

    from orgs.extensions import OrgPagePanel, org_page_panels

    org_page_panels.register(OrgPagePanel(
        name="upcoming-events", order=10, slot="main",
        template="events/partials/_org_upcoming.html",
        context=upcoming_events_for_org_page,   # (request, org, membership) -> dict | None
    ))

Slots: `main` (the wide column, under the description — upcoming events go here),
`side` (the narrow column, under the facts box) and `actions` (next to Join / Leave,
for small buttons such as mute / unmute; shown only to members). `membership` is the
viewer's row in the org (any status) or None. Return None to hide the panel.

**Org settings sections** (`/orgs/<slug>/admin/settings/`)::

    from orgs.extensions import SettingsSection, settings_sections

    settings_sections.register(SettingsSection(
        name="calendar", order=40, title="Calendar sync (lu.ma / iCal)",
        template="events/partials/_settings_calendar.html",
        context=calendar_settings_context,      # (request, org) -> dict | None
    ))

Each section is rendered as its own card after the built-in ones (org profile,
admins, invite links) and gets `org` plus its context as `section`. A section
that has a form posts to its own view under `/orgs/<slug>/admin/settings/...`
(which must use `OrgAdminRequiredMixin` and be added to
`tests/orgs/admin_url_inventory.py`) and redirects back to the settings page.

The partial receives its context as `panel` (org page) or `section` (settings),
like the dashboard's panels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from astn.core.registry import Registry

ORG_PAGE_SLOTS = ("main", "side", "actions")


@dataclass(frozen=True)
class OrgPagePanel:
    name: str
    order: int
    template: str
    context: Callable[[HttpRequest, object, object], dict | None]
    slot: str = "main"

    def __post_init__(self) -> None:
        if self.slot not in ORG_PAGE_SLOTS:
            raise ValueError(f"Unknown org page slot {self.slot!r}; use one of {ORG_PAGE_SLOTS}.")


@dataclass(frozen=True)
class SettingsSection:
    name: str
    order: int
    title: str
    template: str
    context: Callable[[HttpRequest, object], dict | None]


@dataclass(frozen=True)
class AdminTab:
    """A tab of the org-admin navigation shown on every `/orgs/<slug>/admin/` section page.

    `url_name` is reversed with the org's slug; a tab whose URL does not resolve is left out.
    Pages render the tabs with `{% load org_admin %}{% org_admin_nav org "events" %}`.
    """

    name: str
    order: int
    label: str
    icon: str
    url_name: str


admin_tabs: Registry[AdminTab] = Registry("org admin tabs")
org_page_panels: Registry[OrgPagePanel] = Registry("org page panels")
settings_sections: Registry[SettingsSection] = Registry("org settings sections")


def org_page_panels_for(request: HttpRequest, org, membership) -> dict[str, list[dict]]:
    """Render-ready panels for the org page, grouped by slot."""
    slots: dict[str, list[dict]] = {slot: [] for slot in ORG_PAGE_SLOTS}
    for panel in org_page_panels.items():
        context = panel.context(request, org, membership)
        if context is not None:
            slots[panel.slot].append({"panel": panel, "context": context})
    return slots


def settings_sections_for(request: HttpRequest, org) -> list[dict]:
    """Render-ready extra sections for the org settings page, in order."""
    rendered = []
    for section in settings_sections.items():
        context = section.context(request, org)
        if context is not None:
            rendered.append({"section": section, "context": context})
    return rendered


def admin_nav(*, org, current: str) -> list[dict]:
    """The org-admin tabs for `org`, the one named `current` marked active."""
    from django.urls import NoReverseMatch, reverse

    items = []
    for tab in admin_tabs:
        try:
            url = reverse(tab.url_name, kwargs={"slug": org.slug})
        except NoReverseMatch:
            continue
        items.append(
            {"label": tab.label, "icon": tab.icon, "url": url, "active": tab.name == current}
        )
    return items
