"""What every CRM page shares: the org-admin permission, the viewer's time zone, the admin nav.

    class DirectoryView(CrmPageMixin, TemplateView):
        crm_section = "members"

`CrmPageMixin` is `OrgAdminRequiredMixin` (anonymous → login, everyone else → 404) plus:

- times show in the viewing admin's zone: `astn.accounts.middleware.ViewerTimezoneMiddleware`
  activates it for every request, so `{{ value|date }}` needs no conversion (the CSV
  export, streamed after the middleware returned, re-enters the zone itself);
- the template gets `crm_section`, the active org-admin tab (`orgs.extensions.admin_tabs`,
  registered by `register_admin_tabs`; a tab whose URL does not exist is left out).
"""

from __future__ import annotations

from django.utils import timezone

from orgs.permissions import OrgAdminRequiredMixin

# (section, label, icon, URL name) — the org-admin tabs, in order. crm sits on top of the
# other apps, so it names their pages (by URL name, never by import) and registers the tabs
# in `orgs.extensions.admin_tabs`; every app's admin pages render them with
# `{% org_admin_nav org "<section>" %}`.
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


def register_admin_tabs() -> None:
    from orgs.extensions import AdminTab, admin_tabs

    for order, (section, label, icon, url_name) in enumerate(ADMIN_NAV):
        admin_tabs.register(
            AdminTab(name=section, order=order, label=label, icon=icon, url_name=url_name)
        )


# The permission every #13 page declares (orgs.permissions): an admin of the org.
CRM_PERMISSION = "org.admin"


class CrmPageMixin(OrgAdminRequiredMixin):
    crm_section = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["crm_section"] = self.crm_section
        context["viewer_zone"] = timezone.get_current_timezone_name()
        return context
