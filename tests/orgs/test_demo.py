import io

import pytest
from django.core.management import call_command

from orgs.models import InviteLink, Membership, Organization

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_orgs_and_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Organization.objects.count(), Membership.objects.count(), InviteLink.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        Organization.objects.count(),
        Membership.objects.count(),
        InviteLink.objects.count(),
    ) == counts

    assert Organization.objects.filter(discoverable=True).exclude(city="").count() >= 6
    assert Organization.objects.filter(is_online=True).exists()
    maya_admin_of = Membership.objects.admins().filter(user__email="maya@astn.example")
    assert maya_admin_of.count() >= 2
    assert Membership.objects.filter(status="contact", user__isnull=True).exists()
    assert Membership.objects.filter(status="contact", user__email="diego@astn.example").exists()
    for org in Organization.objects.all():
        assert org.memberships.admins().exists(), org
