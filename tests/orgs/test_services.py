import functools

import pytest
from django.utils import timezone

from orgs.models import InviteLink, Membership, Organization
from orgs.services import (
    OrgsError,
    contacts_link_to_user,
    invite_link_accept,
    invite_link_create,
    invite_link_revoke,
    membership_contact_add,
    membership_join,
    membership_leave,
    membership_role_set,
    org_create,
    org_update,
)
from tests.concurrency import race
from tests.factories.accounts import UserFactory
from tests.factories.orgs import (
    ContactMembershipFactory,
    InviteLinkFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


def _membership(org, user):
    return Membership.objects.get(org=org, user=user)


def test_org_create_makes_the_creator_its_first_admin(outsider):
    org = org_create(created_by=outsider, name="Lisbon Makers", city="Lisbon")
    assert org.slug == "lisbon-makers"
    assert _membership(org, outsider).is_admin


def test_org_create_refuses_a_taken_slug_and_writes_nothing(org, outsider):
    with pytest.raises(OrgsError, match="already taken") as error:
        org_create(created_by=outsider, name="Another", slug=org.slug)
    assert error.value.code == "slug_taken"
    assert Organization.objects.count() == 1
    assert not Membership.objects.filter(user=outsider).exists()


def test_org_create_without_slug_picks_a_free_one(org, outsider):
    other = org_create(created_by=outsider, name=org.name)
    assert other.slug == f"{org.slug}-2"


def test_org_update_refuses_a_taken_slug(org, admin):
    other = OrganizationFactory(slug="taken")
    with pytest.raises(OrgsError, match="already taken"):
        org_update(org=org, acting_user=admin, slug=other.slug)
    org.refresh_from_db()
    assert org.slug == "berlin-reading-circle"


@pytest.mark.parametrize(("lat", "lng"), [(91, 0), (-90.5, 0), (0, 180.1), (0, -181)])
def test_org_update_refuses_coordinates_out_of_range(org, admin, lat, lng):
    with pytest.raises(OrgsError, match="must be between"):
        org_update(org=org, acting_user=admin, lat=lat, lng=lng)
    org.refresh_from_db()
    assert (org.lat, org.lng) == (52.52, 13.405)


def test_org_update_of_a_deleted_org_says_so(org, admin):
    Organization.objects.filter(pk=org.pk).delete()
    with pytest.raises(OrgsError, match="no longer exists"):
        org_update(org=org, acting_user=admin, name="New name")


def test_joining_creates_a_member_with_the_users_email(org, outsider):
    membership = membership_join(org=org, user=outsider)
    assert membership.status == Membership.Status.MEMBER
    assert membership.email == outsider.email
    assert membership.source == Membership.Source.SELF


def test_joining_twice_says_you_are_already_a_member(org, member):
    with pytest.raises(OrgsError, match="already a member") as error:
        membership_join(org=org, user=member)
    assert error.value.code == "already_member"


def test_leaving_keeps_the_row_and_rejoining_reactivates_it(org, member):
    original = _membership(org, member)
    membership_leave(membership=original)
    left = _membership(org, member)
    assert left.status == Membership.Status.LEFT
    assert left.left_at is not None

    rejoined = membership_join(org=org, user=member)
    assert rejoined.pk == original.pk
    assert rejoined.status == Membership.Status.MEMBER
    assert rejoined.left_at is None
    assert Membership.objects.filter(org=org, user=member).count() == 1


def test_joining_turns_the_users_contact_row_into_membership(org, outsider):
    contact = ContactMembershipFactory(org=org, email=outsider.email.upper(), user=None)
    membership = membership_join(org=org, user=outsider)
    assert membership.pk == contact.pk
    assert membership.user == outsider
    assert membership.status == Membership.Status.MEMBER
    assert membership.source == Membership.Source.IMPORT  # how they first came is kept


def test_the_last_admin_cannot_leave(org, admin):
    with pytest.raises(OrgsError, match="last admin") as error:
        membership_leave(membership=_membership(org, admin))
    assert error.value.code == "last_admin"
    assert _membership(org, admin).is_admin


def test_an_admin_can_leave_when_another_admin_remains_and_loses_the_role(org, admin, member):
    membership_role_set(membership=_membership(org, member), role="admin", acting_user=admin)
    membership_leave(membership=_membership(org, admin))
    left = _membership(org, admin)
    assert (left.status, left.role) == (Membership.Status.LEFT, Membership.Role.MEMBER)


def test_the_last_admin_cannot_be_demoted(org, admin):
    with pytest.raises(OrgsError, match="last admin"):
        membership_role_set(membership=_membership(org, admin), role="member", acting_user=admin)
    assert _membership(org, admin).is_admin


def test_promote_then_demote(org, admin, member):
    membership_role_set(membership=_membership(org, member), role="admin", acting_user=admin)
    assert _membership(org, member).is_admin
    membership_role_set(membership=_membership(org, admin), role="member", acting_user=member)
    assert not _membership(org, admin).is_admin


def test_a_contact_cannot_be_made_admin(org, admin):
    contact = ContactMembershipFactory(org=org)
    with pytest.raises(OrgsError, match="current members"):
        membership_role_set(membership=contact, role="admin", acting_user=admin)


def test_adding_a_contact_with_a_taken_email_is_refused(org, member):
    with pytest.raises(OrgsError, match="already on the list") as error:
        membership_contact_add(org=org, email=f"  {member.email.upper()} ")
    assert error.value.code == "email_taken"
    assert Membership.objects.filter(org=org).count() == 1


def test_adding_a_contact_links_an_existing_verified_account(org, outsider):
    contact = membership_contact_add(org=org, email=outsider.email, name="O. Outsider")
    assert contact.user == outsider
    assert contact.status == Membership.Status.CONTACT


def test_verifying_an_email_links_contacts_and_keeps_them_contacts(org):
    contact = ContactMembershipFactory(org=org, email="late@example.net")
    other_org_contact = ContactMembershipFactory(email="LATE@example.net")
    user = UserFactory(email="late@example.net")  # the factory verifies the address
    contact.refresh_from_db()
    other_org_contact.refresh_from_db()
    assert contact.user == user
    assert other_org_contact.user == user
    assert contact.status == Membership.Status.CONTACT


def test_email_confirmation_links_contacts(client, org):
    from allauth.account.models import EmailAddress

    contact = ContactMembershipFactory(org=org, email="new@example.net")
    user = UserFactory(email="new@example.net", verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    contact.refresh_from_db()
    assert contact.user is None  # not verified: not linked
    address.verified = True
    address.save()
    contact.refresh_from_db()
    assert contact.user == user


def test_linking_skips_orgs_where_the_user_already_has_a_membership(org, member):
    ContactMembershipFactory(org=org, email="second@example.net")
    assert contacts_link_to_user(user=member, email="second@example.net") == 0


def test_invite_accept_joins_with_source_invite_and_counts_the_use(org, outsider):
    invite = InviteLinkFactory(org=org)
    membership = invite_link_accept(token=invite.token, user=outsider)
    assert membership.source == Membership.Source.INVITE
    assert membership.invite_link == invite
    invite.refresh_from_db()
    assert invite.uses == 1


@pytest.mark.parametrize(
    ("invite_kwargs", "code"),
    [
        ({"expires_at": timezone.now() - timezone.timedelta(hours=1)}, "expired"),
        ({"revoked_at": timezone.now()}, "revoked"),
        ({"max_uses": 1, "uses": 1}, "used_up"),
    ],
)
def test_unusable_invites_are_refused_and_nothing_is_written(org, outsider, invite_kwargs, code):
    invite = InviteLinkFactory(org=org, **invite_kwargs)
    with pytest.raises(OrgsError) as error:
        invite_link_accept(token=invite.token, user=outsider)
    assert error.value.code == code
    assert not Membership.objects.filter(user=outsider).exists()


def test_invite_for_an_org_you_belong_to_does_not_count_a_use(org, member):
    invite = InviteLinkFactory(org=org, max_uses=5)
    with pytest.raises(OrgsError, match="already a member"):
        invite_link_accept(token=invite.token, user=member)
    invite.refresh_from_db()
    assert invite.uses == 0


def test_unknown_invite_token(outsider):
    with pytest.raises(OrgsError) as error:
        invite_link_accept(token="nope", user=outsider)
    assert error.value.code == "not_found"


def test_invite_link_create_validates_expiry_and_max_uses(org, admin):
    with pytest.raises(OrgsError, match="future"):
        invite_link_create(
            org=org, created_by=admin, expires_at=timezone.now() - timezone.timedelta(days=1)
        )
    with pytest.raises(OrgsError, match="at least 1"):
        invite_link_create(org=org, created_by=admin, max_uses=0)
    invite = invite_link_create(org=org, created_by=admin, label=" Flyer ", max_uses=3)
    assert (invite.label, invite.max_uses, invite.is_usable) == ("Flyer", 3, True)


def test_revoking_keeps_people_who_joined_and_is_idempotent(org, outsider, admin):
    invite = InviteLinkFactory(org=org)
    invite_link_accept(token=invite.token, user=outsider)
    invite_link_revoke(invite_link=invite)
    first_revoked_at = invite.revoked_at
    invite_link_revoke(invite_link=invite)
    assert invite.revoked_at == first_revoked_at
    assert invite.state == InviteLink.State.REVOKED
    assert _membership(org, outsider).status == Membership.Status.MEMBER


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_never_exceed_max_uses():
    org = OrganizationFactory()
    invite = InviteLinkFactory(org=org, max_uses=1)
    people = [UserFactory() for _ in range(4)]
    results = race(
        *[functools.partial(invite_link_accept, token=invite.token, user=p) for p in people]
    )
    outcomes = [r.code if isinstance(r, OrgsError) else "joined" for r in results]
    invite.refresh_from_db()
    assert invite.uses == 1
    assert sorted(outcomes) == ["joined", "used_up", "used_up", "used_up"]
    assert Membership.objects.filter(org=org).count() == 1


def test_muting_is_a_flag_on_the_membership(org, member):
    from orgs.services import membership_mute_set

    membership_mute_set(membership=_membership(org, member), muted=True)
    assert _membership(org, member).muted
    membership_mute_set(membership=_membership(org, member), muted=False)
    assert not _membership(org, member).muted
