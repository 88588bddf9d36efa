"""Django admin: role and status change only through the services (last admin, membership_left)."""

from __future__ import annotations

import pytest

from orgs.models import Membership
from orgs.signals import membership_left
from tests.factories.accounts import UserFactory
from tests.factories.orgs import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

LIST = "/admin/orgs/membership/"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _act(staff_client, action, *memberships):
    return staff_client.post(
        LIST,
        {"action": action, "_selected_action": [m.pk for m in memberships]},
        follow=True,
    )


def test_the_change_form_does_not_edit_role_or_status(staff_client, org, admin):
    membership = Membership.objects.get(user=admin)
    page = staff_client.get(f"{LIST}{membership.pk}/change/").content.decode()
    assert 'name="role"' not in page
    assert 'name="status"' not in page
    # Posting them anyway changes nothing.
    staff_client.post(
        f"{LIST}{membership.pk}/change/",
        {
            "org": org.pk,
            "user": admin.pk,
            "email": membership.email,
            "name": membership.name,
            "role": "member",
            "status": "left",
            "source": membership.source,
            "joined_at_0": "2026-01-01",
            "joined_at_1": "10:00",
        },
    )
    membership.refresh_from_db()
    assert (membership.role, membership.status) == ("admin", "member")


def test_the_last_admin_cannot_be_demoted_or_removed_from_the_admin(staff_client, org, admin):
    membership = Membership.objects.get(user=admin)
    for action in ("make_member", "remove_from_org"):
        page = _act(staff_client, action, membership).content.decode()
        assert "last admin" in page
    membership.refresh_from_db()
    assert membership.is_admin


def test_promote_then_remove_goes_through_the_services(staff_client, org, admin):
    other = MembershipFactory(org=org)
    assert "1 made admin" in _act(staff_client, "make_admin", other).content.decode()
    other.refresh_from_db()
    assert other.is_admin

    heard = []

    def listen(sender, *, membership, reason, **kwargs):
        heard.append((membership.pk, reason))

    membership_left.connect(listen)
    try:
        page = _act(staff_client, "remove_from_org", other).content.decode()
    finally:
        membership_left.disconnect(listen)
    assert "1 removed" in page
    other.refresh_from_db()
    assert (other.status, other.role) == ("left", "member")
    assert heard == [(other.pk, "removed")]


def test_memberships_are_not_deleted_from_the_admin(staff_client, org, member):
    membership = Membership.objects.get(user=member)
    assert staff_client.get(f"{LIST}{membership.pk}/delete/").status_code == 403
