"""`{% org_admin_nav org "section" %}`: the org-admin tabs (`orgs.extensions.admin_tabs`), so
every app's admin pages share one navigation without importing each other."""

from django import template

from orgs.extensions import admin_nav

register = template.Library()


@register.inclusion_tag("orgs/partials/_admin_nav.html")
def org_admin_nav(org, current: str = "") -> dict:
    return {"admin_nav": admin_nav(org=org, current=current)}
