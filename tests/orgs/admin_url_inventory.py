"""Every org-admin URL (`/orgs/<slug>/admin/...`), for the permission matrix.

`tests/orgs/test_permission_matrix.py` requests each URL listed here as a
signed-out visitor (302 to log in), as people who must get 404 (a signed-in
outsider, a plain member, a contact, a former admin, an admin of another org —
for GET and for POST) and as an admin of the org (`admin_status`). A meta-test
walks the URL resolver and fails when a URL under `orgs/<slug:slug>/admin/`
is missing from the inventory.

How a later app adds its URLs — create `tests/<app>/admin_urls.py`::

    from tests.orgs.admin_url_inventory import AdminURL, slug_only

    def _event(org):
        from tests.factories.events import EventFactory
        return {"slug": org.slug, "event_id": EventFactory(org=org).pk}

    ADMIN_URLS = [
        AdminURL("events:admin-event-list", slug_only),
        AdminURL("events:admin-event-edit", _event),
        AdminURL("events:admin-event-cancel", _event, admin_status=405, note="POST only"),
    ]

It is picked up automatically (no need to edit this file). `kwargs(org)` gets
the admin's org and returns the URL kwargs; create whatever objects the URL
needs inside that org. `admin_status` is what a GET by the admin answers: 200
for pages, 405 for POST-only views, 302 for a view that redirects — say why in
`note`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class AdminURL:
    name: str
    kwargs: Callable[[object], dict]
    admin_status: int = 200
    note: str = ""
    query: str = ""  # appended to the URL (e.g. "?step=2") for pages that need it


def slug_only(org) -> dict:
    return {"slug": org.slug}


def _invite(org) -> dict:
    from tests.factories.orgs import InviteLinkFactory

    return {"slug": org.slug, "invite_id": InviteLinkFactory(org=org).pk}


def _a_members_membership(org) -> dict:
    from tests.factories.orgs import MembershipFactory

    return {"slug": org.slug, "membership_id": MembershipFactory(org=org).pk}


ORGS_ADMIN_URLS = [
    AdminURL("orgs:settings", slug_only),
    AdminURL("orgs:settings-invite-create", slug_only, admin_status=405, note="POST only"),
    AdminURL("orgs:settings-invite-revoke", _invite, admin_status=405, note="POST only"),
    AdminURL("orgs:settings-admin-promote", slug_only, admin_status=405, note="POST only"),
    AdminURL(
        "orgs:settings-admin-demote", _a_members_membership, admin_status=405, note="POST only"
    ),
]


def discovered_admin_urls() -> list[AdminURL]:
    """`ADMIN_URLS` from every `tests/<app>/admin_urls.py`."""
    found: list[AdminURL] = []
    for path in sorted(TESTS_DIR.glob("*/admin_urls.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.admin_urls")
        found.extend(module.ADMIN_URLS)
    return found


def inventory() -> list[AdminURL]:
    return ORGS_ADMIN_URLS + discovered_admin_urls()
