import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from orgs.models import InviteLink, Membership
from tests.factories.orgs import ContactMembershipFactory, InviteLinkFactory


@pytest.mark.django_db
def test_fixtures_give_an_org_with_an_admin_and_a_member(org, admin, member, outsider):
    assert Membership.objects.get(org=org, user=admin).is_admin
    assert not Membership.objects.get(org=org, user=member).is_admin
    assert not Membership.objects.filter(user=outsider).exists()


@pytest.mark.django_db
def test_membership_email_is_unique_per_org_ignoring_case(org):
    ContactMembershipFactory(org=org, email="sam@example.net")
    duplicate = Membership(org=org, email="SAM@example.net", status=Membership.Status.CONTACT)
    with pytest.raises(ValidationError, match="already on this organisation"):
        duplicate.validate_constraints()


@pytest.mark.django_db
def test_invite_link_uses_can_never_pass_max_uses(org):
    invite = InviteLinkFactory(org=org, max_uses=1, uses=1)
    invite.uses = 2
    with pytest.raises(IntegrityError):
        invite.save(update_fields=["uses"])


@pytest.mark.django_db
def test_invite_link_state_explains_why_it_does_not_work(org):
    assert InviteLinkFactory(org=org).state == InviteLink.State.ACTIVE
    past = timezone.now() - timezone.timedelta(minutes=1)
    assert InviteLinkFactory(org=org, expires_at=past).state == InviteLink.State.EXPIRED
    assert InviteLinkFactory(org=org, revoked_at=past).state == InviteLink.State.REVOKED
    assert InviteLinkFactory(org=org, max_uses=2, uses=2).state == InviteLink.State.USED_UP
