"""The member dashboard panels orgs contributes (registered from `OrgsConfig.ready()`)."""

from __future__ import annotations

from django.http import HttpRequest

from astn.core import dashboard
from orgs.selectors import (
    contact_membership_list_for_user,
    membership_list_for_user,
    org_suggestions,
)


def my_orgs_context(request: HttpRequest) -> dict | None:
    memberships = list(membership_list_for_user(user=request.user))
    return {"memberships": memberships}


def contact_orgs_context(request: HttpRequest) -> dict | None:
    contacts = list(contact_membership_list_for_user(user=request.user))
    return {"contacts": contacts} if contacts else None


def suggestions_context(request: HttpRequest) -> dict | None:
    suggestions = org_suggestions(user=request.user)
    if not suggestions:
        return None
    return {
        "suggestions": suggestions,
        "has_location": request.user.profile.has_location,
    }


def register_panels() -> None:
    dashboard.register(
        dashboard.Panel(
            name="orgs-contacts",
            order=5,
            template="orgs/partials/_dashboard_contacts.html",
            context=contact_orgs_context,
        )
    )
    dashboard.register(
        dashboard.Panel(
            name="orgs-suggestions",
            order=60,
            template="orgs/partials/_dashboard_suggestions.html",
            context=suggestions_context,
        )
    )
    dashboard.register(
        dashboard.Panel(
            name="orgs-mine",
            order=10,
            column="side",
            template="orgs/partials/_dashboard_my_orgs.html",
            context=my_orgs_context,
        )
    )
