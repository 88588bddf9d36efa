"""Where admins find attendance imports: a side panel on the org page and a section on the
org settings page (both registries of `orgs.extensions`)."""

from __future__ import annotations

from orgs.models import Membership


def org_page_imports_context(request, org, membership: Membership | None) -> dict | None:
    """Admins only: the last import and an upload link."""
    if membership is None or not membership.is_admin:
        return None
    from attendance.selectors.imports import import_list

    latest = import_list(org=org, limit=1)
    return {"org": org, "latest": latest[0] if latest else None}


def settings_imports_context(request, org) -> dict | None:
    from attendance.forms.imports import ImportThresholdForm
    from attendance.selectors.imports import import_list

    return {
        "org": org,
        "recent": import_list(org=org, limit=3),
        "threshold_form": ImportThresholdForm(initial={"minutes": org.attended_after_minutes}),
    }


def register() -> None:
    from orgs.extensions import OrgPagePanel, SettingsSection, org_page_panels, settings_sections

    org_page_panels.register(
        OrgPagePanel(
            name="attendance-imports",
            order=40,
            slot="side",
            template="attendance/partials/_org_imports_panel.html",
            context=org_page_imports_context,
        )
    )
    settings_sections.register(
        SettingsSection(
            name="attendance-imports",
            order=50,
            title="Attendance imports",
            template="attendance/partials/_settings_imports.html",
            context=settings_imports_context,
        )
    )
