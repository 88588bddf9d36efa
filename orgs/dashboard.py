"""The member dashboard panels orgs contributes (registered from `OrgsConfig.ready()`)."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

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


# A new member sees the first steps until they have done them or for their first weeks.
FIRST_STEPS_FOR = timedelta(days=14)
PROFILE_DONE_AT = 60  # percent of the profile filled in


def first_steps_context(request: HttpRequest) -> dict | None:
    """Three next steps for a new member: profile, orgs near them, how to hear about events."""
    user = request.user
    if timezone.now() - user.date_joined > FIRST_STEPS_FOR:
        return None
    prefs = getattr(user, "notification_settings", None)
    chose_emails = bool(prefs and prefs.updated_at - user.date_joined > timedelta(minutes=1))
    steps = [
        {
            "title": "Complete your profile",
            "text": "A headline and your interests help organisers welcome you.",
            "url": reverse("accounts:profile"),
            "done": user.profile.completeness >= PROFILE_DONE_AT,
        },
        {
            "title": "Find orgs near you",
            "text": "Reading groups, meetups and hubs in your city or online.",
            "url": reverse("orgs:org-list") + ("?near=1" if user.profile.has_location else ""),
            "done": bool(membership_list_for_user(user=user)),
        },
        {
            "title": "Choose how you hear about events",
            "text": "Every new event, a weekly digest, or nothing; reminders too.",
            "url": reverse("notifications:settings"),
            "done": chose_emails,
        },
    ]
    if all(step["done"] for step in steps):
        return None
    return {"steps": steps, "done": sum(step["done"] for step in steps)}


def register_panels() -> None:
    dashboard.register(
        dashboard.Panel(
            name="first-steps",
            order=1,
            template="orgs/partials/_dashboard_first_steps.html",
            context=first_steps_context,
        )
    )
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
