import io

import pytest

from communities import demo
from communities.models import Community, CommunityMember, Match, Round
from engagement.models import Activity
from tests.factories.orgs import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_demo_community_has_past_rounds_and_an_open_round_once():
    OrganizationFactory(slug=demo.ORG_SLUG, name="Effective Giving Online")
    demo.seed(stdout=io.StringIO())
    counts = (Community.objects.count(), Round.objects.count(), Match.objects.count())
    demo.seed(stdout=io.StringIO())
    assert (Community.objects.count(), Round.objects.count(), Match.objects.count()) == counts
    community = Community.objects.get(slug=demo.SLUG)
    assert community.members.count() == len(demo.PEOPLE)
    assert Round.objects.filter(status=Round.Status.MATCHED).count() == 3
    assert Round.objects.filter(status=Round.Status.OPEN).get().is_open
    assert Match.objects.filter(met=Match.Met.YES).exists()
    assert Match.objects.filter(met=Match.Met.NO).exists()
    assert Match.objects.filter(met=Match.Met.UNKNOWN).exists()
    assert Activity.objects.filter(kind="match_met").exists()
    assert CommunityMember.objects.filter(status=CommunityMember.Status.PAUSED).exists()


def test_demo_without_its_org_does_nothing():
    demo.seed(stdout=io.StringIO())
    assert not Community.objects.exists()


def test_demo_pages_render_for_the_organiser():
    from django.test import Client

    from tests.factories.accounts import UserFactory
    from tests.factories.orgs import AdminMembershipFactory

    org = OrganizationFactory(slug=demo.ORG_SLUG, name="Effective Giving Online")
    admin = UserFactory()
    AdminMembershipFactory(org=org, user=admin)
    demo.seed(stdout=io.StringIO())
    community = Community.objects.get(slug=demo.SLUG)
    client = Client()
    client.force_login(admin)
    base = f"/orgs/{org.slug}/admin/communities/{community.pk}/"
    page = client.get(base)
    assert page.status_code == 200
    assert "signed up for" in page.content.decode()
    for round_ in Round.objects.filter(community=community):
        assert client.get(f"{base}rounds/{round_.pk}/").status_code == 200
    assert client.get(f"/join/{community.slug}/").status_code == 200
