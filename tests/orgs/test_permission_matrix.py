"""Every org-admin URL, as everyone who may and may not see it (DESIGN §5, §12).

The URLs come from `tests/orgs/admin_url_inventory.py`; read its docstring to add
yours (a `tests/<app>/admin_urls.py` with `ADMIN_URLS` is picked up on its own).
`test_every_org_admin_url_is_in_the_inventory` fails when a URL under
`orgs/<slug:slug>/admin/` exists that the inventory does not list.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories.accounts import UserFactory
from tests.factories.orgs import (
    AdminMembershipFactory,
    ContactMembershipFactory,
    MembershipFactory,
    OrganizationFactory,
)
from tests.orgs.admin_url_inventory import AdminURL, inventory

ADMIN_PREFIX = "orgs/<slug:slug>/admin/"
INVENTORY = inventory()

pytestmark = pytest.mark.django_db


def _url(entry: AdminURL, org) -> str:
    return reverse(entry.name, kwargs=entry.kwargs(org)) + entry.query


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _people_who_get_404(org) -> dict:
    other_org = OrganizationFactory()
    former_admin = AdminMembershipFactory(org=org, status="left").user
    contact_user = UserFactory()
    ContactMembershipFactory(org=org, user=contact_user, email=contact_user.email)
    return {
        "outsider": UserFactory(),
        "plain member": MembershipFactory(org=org).user,
        "contact": contact_user,
        "former admin": former_admin,
        "admin of another org": AdminMembershipFactory(org=other_org).user,
        "staff without membership": UserFactory(is_staff=True),
    }


@pytest.mark.parametrize("entry", INVENTORY, ids=lambda e: e.name)
def test_signed_out_visitors_are_sent_to_log_in(entry, org):
    url = _url(entry, org)
    for method in ("get", "post"):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/accounts/login/?next="), (method, url)


@pytest.mark.parametrize("entry", INVENTORY, ids=lambda e: e.name)
def test_everyone_but_the_orgs_admins_gets_404(entry, org, admin):
    url = _url(entry, org)
    for who, user in _people_who_get_404(org).items():
        client = _client_for(user)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 404, (who, method, url, response.status_code)


@pytest.mark.parametrize("entry", INVENTORY, ids=lambda e: e.name)
def test_the_orgs_admin_gets_the_page(entry, org, admin):
    url = _url(entry, org)
    response = _client_for(admin).get(url)
    assert response.status_code == entry.admin_status, (url, entry.note)


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from _walk(pattern.url_patterns, route, ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield route, name


def test_every_org_admin_url_is_in_the_inventory():
    listed = {entry.name for entry in INVENTORY}
    admin_routes = [
        (r, n) for r, n in _walk(get_resolver().url_patterns) if r.startswith(ADMIN_PREFIX)
    ]
    assert admin_routes, "no org-admin URLs found: has the prefix changed?"
    unnamed = [route for route, name in admin_routes if name is None]
    missing = sorted(
        f"{name}  ({route})" for route, name in admin_routes if name and name not in listed
    )
    assert not unnamed, f"org-admin URLs without a name (name them): {unnamed}"
    assert not missing, (
        "org-admin URLs missing from the permission matrix; add them to "
        "tests/<app>/admin_urls.py (see tests/orgs/admin_url_inventory.py):\n  "
        + "\n  ".join(missing)
    )


def test_the_inventory_lists_only_urls_that_exist():
    routes = {name for _route, name in _walk(get_resolver().url_patterns) if name}
    assert not [entry.name for entry in INVENTORY if entry.name not in routes]
