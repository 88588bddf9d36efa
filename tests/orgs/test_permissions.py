"""One org-permission check (orgs/permissions.py), and services that check it themselves."""

from __future__ import annotations

import pytest
from django.http import Http404

from events.selectors import is_org_admin as events_is_org_admin
from orgs.errors import OrgsError
from orgs.models import Membership
from orgs.permissions import ORG_ADMIN, OrgPermission, has_org_permission, permissions
from orgs.selectors import access_org_as_admin, is_org_admin
from orgs.services import membership_remove, membership_role_set
from tests.factories.orgs import MembershipFactory

pytestmark = pytest.mark.django_db


def _admin_by_each_check(org, user) -> dict[str, bool]:
    try:
        by_access = access_org_as_admin(user=user, slug=org.slug)[0] == org
    except Http404:
        by_access = False
    return {
        "orgs.selectors.is_org_admin": is_org_admin(user=user, org=org),
        "events.selectors.is_org_admin": events_is_org_admin(user=user, org=org),
        "access_org_as_admin": by_access,
        "has_org_permission": has_org_permission(user=user, org=org),
    }


def test_every_admin_check_is_the_same_check(org, admin, member):
    """Grant `org.admin` to plain members for a moment: every caller follows at once."""
    assert set(_admin_by_each_check(org, admin).values()) == {True}
    assert set(_admin_by_each_check(org, member).values()) == {False}
    wider = OrgPermission(ORG_ADMIN, "test", roles=frozenset({"admin", "member"}))
    with permissions.override(wider):
        assert set(_admin_by_each_check(org, member).values()) == {True}


def test_an_unknown_permission_is_a_clear_error(org, admin):
    with pytest.raises(KeyError, match=r"no 'events\.mange'"):
        has_org_permission(user=admin, org=org, permission="events.mange")


def test_role_changes_check_the_acting_user_themselves(org, admin, member):
    """The service no longer trusts its caller: a plain member cannot promote anyone."""
    other = MembershipFactory(org=org)
    with pytest.raises(OrgsError) as error:
        membership_role_set(membership=other, role="admin", acting_user=member)
    assert error.value.code == "forbidden"
    other.refresh_from_db()
    assert other.role == Membership.Role.MEMBER
    membership_role_set(membership=other, role="admin", acting_user=admin)
    other.refresh_from_db()
    assert other.is_admin


def test_an_admin_of_another_org_cannot_change_roles_here(org, member):
    from tests.factories.orgs import AdminMembershipFactory, OrganizationFactory

    stranger = AdminMembershipFactory(org=OrganizationFactory()).user
    with pytest.raises(OrgsError, match="Only admins"):
        membership_role_set(
            membership=Membership.objects.get(user=member), role="admin", acting_user=stranger
        )


def test_removing_a_member_sends_membership_left_and_keeps_the_last_admin(
    org, admin, member, django_capture_on_commit_callbacks
):
    from orgs.signals import membership_left

    heard = []

    def listen(sender, *, membership, reason, **kwargs):
        heard.append((membership.pk, reason))

    membership_left.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            removed = membership_remove(
                membership=Membership.objects.get(user=member), acting_user=admin
            )
    finally:
        membership_left.disconnect(listen)
    assert removed.status == Membership.Status.LEFT
    assert heard == [(removed.pk, "removed")]
    with pytest.raises(OrgsError) as error:
        membership_remove(membership=Membership.objects.get(user=admin), acting_user=admin)
    assert error.value.code == "last_admin"
