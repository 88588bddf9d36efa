"""Staff see engagement across orgs and what the LLM costs per org and month."""

import pytest

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_llm_cost_per_org_month(staff_client, org, fake_anthropic, now):
    from engagement.services.recompute import engagement_recompute_org
    from tests.factories.orgs import MembershipFactory

    MembershipFactory(org=org)
    engagement_recompute_org(org=org, now=now)

    response = staff_client.get("/admin/engagement/llmusage/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Cost per organisation and month" in html
    assert org.name in html
    assert now.strftime("%Y-%m") in html


@pytest.mark.parametrize(
    "url",
    [
        "/admin/engagement/engagementscore/",
        "/admin/engagement/engagementoverride/",
        "/admin/engagement/engagementsnapshot/",
        "/admin/engagement/activity/",
        "/admin/engagement/llmbatch/",
        "/admin/engagement/recomputerun/",
    ],
)
def test_lists_open(staff_client, url):
    assert staff_client.get(url).status_code == 200
