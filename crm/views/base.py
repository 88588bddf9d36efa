"""What every CRM page shares: the org-admin permission, the viewer's time zone, the admin nav.

    class DirectoryView(CrmPageMixin, TemplateView):
        crm_section = "members"

`CrmPageMixin` is `OrgAdminRequiredMixin` (anonymous → login, everyone else → 404) plus:

- the page renders in the viewing admin's time zone (their profile's IANA zone), so
  `{{ value|date }}` and `{% now %}` show local times without per-template conversions;
- the template gets `admin_nav`, the org-admin tabs; a tab whose URL does not exist
  (an app not installed yet) is left out.
"""

from __future__ import annotations

import zoneinfo

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from orgs.permissions import OrgAdminRequiredMixin

# (section, label, icon, URL name) — the org-admin tabs, in order.
ADMIN_NAV = [
    ("dashboard", "Dashboard", "speedometer2", "crm:dashboard"),
    ("members", "Members", "people", "crm:directory"),
    ("events", "Events", "calendar-event", "events:admin-list"),
    ("imports", "Imports", "upload", "attendance:import-list"),
    ("engagement", "Engagement", "activity", "engagement:admin"),
    ("programs", "Programs", "journal-bookmark", "crm:program-list"),
    ("insights", "Insights", "lightbulb", "crm:insights"),
    ("communities", "Communities", "diagram-3", "communities:admin-list"),
    ("settings", "Settings", "gear", "orgs:settings"),
]


def admin_nav(*, org, current: str) -> list[dict]:
    items = []
    for section, label, icon, name in ADMIN_NAV:
        try:
            url = reverse(name, kwargs={"slug": org.slug})
        except NoReverseMatch:
            continue
        items.append({"label": label, "icon": icon, "url": url, "active": section == current})
    return items


def viewer_zone(user) -> zoneinfo.ZoneInfo | None:
    """Return the signed-in user's time zone, or None when they have none set."""
    profile = getattr(user, "profile", None)
    name = getattr(profile, "timezone", "") or ""
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


# The permission every #13 page declares (orgs.permissions): an admin of the org.
CRM_PERMISSION = "org.admin"


class CrmPageMixin(OrgAdminRequiredMixin):
    crm_section = ""

    def dispatch(self, request, *args, **kwargs):
        zone = viewer_zone(request.user) if request.user.is_authenticated else None
        if zone is None:
            return super().dispatch(request, *args, **kwargs)
        with timezone.override(zone):
            response = super().dispatch(request, *args, **kwargs)
            # A TemplateResponse renders after the view returns; render it inside the zone.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["admin_nav"] = admin_nav(org=self.org, current=self.crm_section)
        context["viewer_zone"] = timezone.get_current_timezone_name()
        return context
