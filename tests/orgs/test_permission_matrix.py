"""Every org-admin URL, as everyone who may and may not see it (DESIGN §5, §12).

The matrix is generated: the URLs come from the URL resolver (everything under
`orgs/<slug:slug>/admin/`), each with the `permission` its view declares
(`orgs.permissions`), and who may see it follows from the roles that permission is
granted to. `tests/<app>/admin_urls.py` (see `tests/orgs/admin_url_inventory.py`)
only says how to build each URL (its kwargs) and what the allowed GET answers.
The meta-tests fail when an org-admin URL declares no permission, names one nobody
registered, or has no inventory entry to build it.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from orgs.models import Membership
from orgs.permissions import ORG_ADMIN, AdminRoute, org_admin_routes, permissions
from tests.factories.accounts import UserFactory
from tests.factories.orgs import (
    AdminMembershipFactory,
    ContactMembershipFactory,
    MembershipFactory,
    OrganizationFactory,
)
from tests.orgs.admin_url_inventory import AdminURL, inventory

ROUTES = list(org_admin_routes())
BY_NAME = {entry.name: entry for entry in inventory()}
# The matrix rows: each resolver route that can be built, with its declared permission
# (an undeclared view is checked as what it enforces, an admin, and fails the meta-test).
MATRIX = [
    (BY_NAME[r.name], r.permission or ORG_ADMIN)
    for r in ROUTES
    if r.name in BY_NAME and (r.permission or ORG_ADMIN) in permissions
]

pytestmark = pytest.mark.django_db


def _id(row) -> str:
    entry, permission = row
    return f"{entry.name}[{permission}]"


def _url(entry: AdminURL, org) -> str:
    return reverse(entry.name, kwargs=entry.kwargs(org)) + entry.query


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _people(org) -> dict:
    """Everyone but the org's admins, with the role their membership of `org` holds."""
    other_org = OrganizationFactory()
    former_admin = AdminMembershipFactory(org=org, status="left").user
    contact_user = UserFactory()
    ContactMembershipFactory(org=org, user=contact_user, email=contact_user.email)
    return {
        "outsider": (UserFactory(), None),
        "plain member": (MembershipFactory(org=org).user, Membership.Role.MEMBER),
        "contact": (contact_user, None),
        "former admin": (former_admin, None),
        "admin of another org": (AdminMembershipFactory(org=other_org).user, None),
        "staff without membership": (UserFactory(is_staff=True), None),
    }


@pytest.mark.parametrize("row", MATRIX, ids=_id)
def test_signed_out_visitors_are_sent_to_log_in(row, org):
    url = _url(row[0], org)
    for method in ("get", "post"):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/accounts/login/?next="), (method, url)


@pytest.mark.parametrize("row", MATRIX, ids=_id)
def test_everyone_without_the_permission_gets_404(row, org, admin):
    entry, permission = row
    roles = permissions.get(permission).roles
    url = _url(entry, org)
    for who, (user, role) in _people(org).items():
        client = _client_for(user)
        if role in roles:  # a role the permission is granted to: like an admin
            assert client.get(url).status_code == entry.admin_status, (who, url)
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 404, (who, method, url, response.status_code)


@pytest.mark.parametrize("row", MATRIX, ids=_id)
def test_the_orgs_admin_gets_the_page(row, org, admin):
    entry, _permission = row
    url = _url(entry, org)
    response = _client_for(admin).get(url)
    assert response.status_code == entry.admin_status, (url, entry.note)


# Query strings no page expects: NUL (which Postgres refuses in any string), numbers past
# any range, dates that do not exist, a search longer than any box allows.
HOSTILE_QUERIES = [
    "q=%00",
    "q=" + "x" * 5000,
    "page=%00&sort=%00&per=%00&dir=%00",
    "page=99999999999999999999&per=-1&sort=nope",
    "range=%00&from=2020-13-45&to=9999-99-99&before=%00&after=%00",
    "level=%00&tag=%00&status=%00&role=%00&show=%00&kind=%00&board=%00&event=%00&program=%00",
    "next=%00&back=%00&step=%00&format=%00&mine=%00",
]


@pytest.mark.parametrize("row", MATRIX, ids=_id)
def test_hostile_query_strings_never_fail_an_admin_page(row, org, admin):
    """Found by fuzzing the running app: `?q=%00` was a 500 on two admin pages."""
    entry, _permission = row
    url = _url(entry, org)
    client = _client_for(admin)
    for query in HOSTILE_QUERIES:
        target = url + ("&" if "?" in url else "?") + query
        status = client.get(target).status_code
        assert status < 500, (target[:200], status)


def test_every_org_admin_view_declares_a_registered_permission():
    assert ROUTES, "no org-admin URLs found: has the prefix changed?"
    undeclared = sorted(f"{r.name}  ({r.route})" for r in ROUTES if r.permission is None)
    unknown = sorted(
        f"{r.name}: {r.permission!r}"
        for r in ROUTES
        if r.permission is not None and r.permission not in permissions
    )
    assert not undeclared, (
        "org-admin views without a declared `permission` (see orgs/permissions.py):\n  "
        + "\n  ".join(undeclared)
    )
    assert not unknown, f"permissions nobody registered: {unknown} (known: {permissions.names()})"


def test_every_org_admin_url_is_in_the_inventory():
    unnamed = [r.route for r in ROUTES if r.name is None]
    missing = sorted(f"{r.name}  ({r.route})" for r in ROUTES if r.name and r.name not in BY_NAME)
    assert not unnamed, f"org-admin URLs without a name (name them): {unnamed}"
    assert not missing, (
        "org-admin URLs missing from the permission matrix; add them to "
        "tests/<app>/admin_urls.py (see tests/orgs/admin_url_inventory.py):\n  "
        + "\n  ".join(missing)
    )


def test_the_inventory_lists_only_org_admin_urls_that_exist():
    routes = {r.name for r in ROUTES}
    assert not [name for name in BY_NAME if name not in routes]


def test_the_meta_test_catches_an_undeclared_view():
    """The resolver walk sees a view's declaration (or its absence) through as_view()."""
    from django.views import View

    from orgs.permissions import OrgAdminRequiredMixin, declared_permission

    class Declared(OrgAdminRequiredMixin, View):
        permission = "org.settings"

    class Undeclared(OrgAdminRequiredMixin, View):
        pass

    assert declared_permission(Declared.as_view()) == "org.settings"
    assert declared_permission(Undeclared.as_view()) is None
    assert isinstance(ROUTES[0], AdminRoute)
