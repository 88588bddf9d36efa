"""What every CRM page shares: the org-admin permission, the viewer's time zone, the admin nav.

    class DirectoryView(CrmPageMixin, TemplateView):
        crm_section = "members"

`CrmPageMixin` is `OrgAdminRequiredMixin` (anonymous → login, everyone else → 404) plus:

- times show in the viewing admin's zone: `astn.accounts.middleware.ViewerTimezoneMiddleware`
  activates it for every request, so `{{ value|date }}` needs no conversion (the CSV
  export, streamed after the middleware returned, re-enters the zone itself);
- the template gets `admin_nav`, the org-admin tabs; a tab whose URL does not exist
  (an app not installed yet) is left out.
"""

from __future__ import annotations

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


# The permission every #13 page declares (orgs.permissions): an admin of the org.
CRM_PERMISSION = "org.admin"


class CrmPageMixin(OrgAdminRequiredMixin):
    crm_section = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["admin_nav"] = admin_nav(org=self.org, current=self.crm_section)
        context["viewer_zone"] = timezone.get_current_timezone_name()
        return context
