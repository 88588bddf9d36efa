"""What `events` adds to other apps' pages (registered from `EventsConfig.ready()`).

- the member dashboard: "Upcoming events from your orgs" (`astn.core.dashboard`);
- the org page: the org's next events (`orgs.extensions.org_page_panels`);
- the org settings page: calendar sync (`orgs.extensions.settings_sections`).
"""

from __future__ import annotations

from django.http import HttpRequest

from events import extensions, selectors

DASHBOARD_LIMIT = 5
ORG_PAGE_LIMIT = 3


def dashboard_upcoming_context(request: HttpRequest) -> dict | None:
    """Hidden for people in no org (the dashboard has its own "join an org" state)."""
    if not selectors.my_orgs(user=request.user).exists():
        return None
    events = list(selectors.event_list_for_user(user=request.user)[:DASHBOARD_LIMIT])
    return {"events": events, "going": extensions.going_counts(events)}


def org_page_upcoming_context(request: HttpRequest, org, membership) -> dict | None:
    events = list(selectors.event_list_upcoming(org=org)[:ORG_PAGE_LIMIT])
    is_admin = bool(membership and membership.is_admin)
    if not events and not is_admin and not (membership and membership.status == "member"):
        return None
    return {
        "org": org,
        "events": events,
        "going": extensions.going_counts(events),
        "is_admin": is_admin,
        "past_count": selectors.event_list_past(org=org).count() if not events else 0,
    }


def register_panels() -> None:
    from astn.core import dashboard
    from events.views.sources import calendar_settings_context
    from orgs.extensions import OrgPagePanel, SettingsSection, org_page_panels, settings_sections

    dashboard.register(
        dashboard.Panel(
            name="events-upcoming",
            order=20,
            template="events/partials/_dashboard_upcoming.html",
            context=dashboard_upcoming_context,
        )
    )
    org_page_panels.register(
        OrgPagePanel(
            name="events-upcoming",
            order=10,
            slot="main",
            template="events/partials/_org_upcoming.html",
            context=org_page_upcoming_context,
        )
    )
    settings_sections.register(
        SettingsSection(
            name="calendar",
            order=40,
            title="Calendar sync (lu.ma / iCal)",
            template="events/partials/_settings_calendar.html",
            context=calendar_settings_context,
        )
    )
