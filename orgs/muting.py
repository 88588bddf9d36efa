"""Muting an org: the button on the org page and the "Muted orgs" section of `/me/settings/`.

`Membership.muted` belongs to orgs, so orgs contributes both pieces itself: an
`actions` panel on its own org page (through `orgs.extensions`) and a settings
section through `astn.notifications.settings_sections` (notifications may not
import orgs). The apps that send announcements, digests and reminders read the
flag; nothing else changes when a member mutes an org.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from orgs.models import Membership
from orgs.selectors import muted_membership_list_for_user

MUTE_BUTTON_TEMPLATE = "orgs/partials/_mute_button.html"
MUTED_ORGS_TEMPLATE = "orgs/partials/_settings_muted_orgs.html"


def mute_button_context(request: HttpRequest, org, membership) -> dict | None:
    """Context of the mute / unmute button on the org page (members only).

    `org` is the `Organization`, `membership` the viewer's `Membership` or None.
    """
    if membership is None or membership.status != Membership.Status.MEMBER:
        return None
    return {"org": org, "muted": membership.muted, "next": org.get_absolute_url()}


def muted_orgs_context(request: HttpRequest) -> dict | None:
    """Context of the "Muted orgs" settings section: shown to everyone signed in."""
    return {
        "memberships": list(muted_membership_list_for_user(user=request.user)),
        "next": reverse("notifications:settings"),
    }


def register() -> None:
    """Add the org-page button and the settings section; called from `OrgsConfig.ready()`."""
    from astn.notifications import settings_sections
    from orgs.extensions import OrgPagePanel, org_page_panels

    org_page_panels.register(
        OrgPagePanel(
            name="mute",
            order=50,
            slot="actions",
            template=MUTE_BUTTON_TEMPLATE,
            context=mute_button_context,
        )
    )
    settings_sections.register(
        settings_sections.Section(
            name="muted-orgs",
            order=10,
            title="Muted orgs",
            template=MUTED_ORGS_TEMPLATE,
            context=muted_orgs_context,
        )
    )
