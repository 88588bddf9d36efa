"""The Django admin for staff: lists, search, filters; bad input gets clear messages."""

import pytest

from orgs.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.orgs import ContactMembershipFactory, InviteLinkFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/orgs/organization/",
        "/admin/orgs/organization/?q=berlin&discoverable__exact=1&is_online__exact=0",
        "/admin/orgs/membership/",
        "/admin/orgs/membership/?q=example&status__exact=contact&role__exact=admin",
        "/admin/orgs/membership/?anonymised_at__isempty=0",
        "/admin/orgs/invitelink/",
        "/admin/orgs/invitelink/?q=flyer&revoked_at__isempty=1",
        "/admin/orgs/organization/?o=6",
    ],
)
def test_admin_lists_search_and_filter(staff_client, org, admin, url):
    MembershipFactory(org=org)
    ContactMembershipFactory(org=org)
    InviteLinkFactory(org=org, label="Flyer")
    assert staff_client.get(url).status_code == 200


def test_admin_org_page_never_shows_the_luma_key(staff_client, org):
    org.luma_api_key_encrypted = "gAAAAA-very-secret-ciphertext"
    org.save()
    response = staff_client.get(f"/admin/orgs/organization/{org.pk}/change/")
    assert response.status_code == 200
    assert b"very-secret" not in response.content
    assert b"Set (hidden" in response.content


def test_admin_adding_a_membership_with_a_taken_email_is_refused_clearly(staff_client, org, member):
    response = staff_client.post(
        "/admin/orgs/membership/add/",
        {
            "org": org.pk,
            "email": member.email.upper(),
            "name": "Dup",
            "role": "member",
            "status": "contact",
            "source": "admin",
            "joined_at_0": "2026-01-01",
            "joined_at_1": "10:00",
        },
    )
    assert response.status_code == 200
    assert "already on this organisation" in response.content.decode()
    assert Membership.objects.filter(org=org).count() == 1


def test_admin_adding_an_org_with_a_duplicate_slug_is_refused_clearly(staff_client, org):
    response = staff_client.post(
        "/admin/orgs/organization/add/",
        {
            "name": "Copy",
            "slug": org.slug,
            "discoverable": "on",
            "created_at_0": "2026-01-01",
            "created_at_1": "10:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
