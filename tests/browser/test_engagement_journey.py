"""Engagement in a real browser: the admin reads a rationale, overrides a level with a
reason and sees the badge and the history; a member opts out of AI and sees the rules
result labelled. Claude is the fake Anthropic server on 127.0.0.1."""

import pytest
from playwright.sync_api import expect

from engagement.models import EngagementOverride, EngagementScore
from engagement.services.recompute import engagement_recompute_org
from tests.browser.fixtures import open_as
from tests.engagement.conftest import fake_anthropic, now, past  # noqa: F401 - fixtures
from tests.engagement.history import attend, event_at
from tests.factories.accounts import UserFactory
from tests.factories.orgs import AdminMembershipFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(fake_anthropic, now):  # noqa: F811 - fixtures imported above
    org = OrganizationFactory(name="Berlin Reading Circle", slug="berlin-reading-circle")
    maya = AdminMembershipFactory(
        org=org, user=UserFactory(name="Maya Lindqvist"), joined_at=past(now, 400)
    )
    events = [
        event_at(org, past(now, d), t)
        for d, t in (
            (6, "talk"),
            (25, "workshop"),
            (50, "social"),
            (80, "talk"),
            (130, "workshop"),
            (200, "talk"),
        )
    ]
    people = {
        "jonas": MembershipFactory(
            org=org, user=UserFactory(name="Jonas Weber"), joined_at=past(now, 300)
        ),
        "grace": MembershipFactory(
            org=org, user=UserFactory(name="Grace Hopper"), joined_at=past(now, 300)
        ),
        "lena": MembershipFactory(
            org=org, user=UserFactory(name="Lena Vogel"), joined_at=past(now, 250)
        ),
        "finn": MembershipFactory(
            org=org, user=UserFactory(name="Finn Larsen"), joined_at=past(now, 9)
        ),
    }
    for event in events[:5]:
        attend(people["jonas"], event, rating=5)
        attend(maya, event)
    for event in events[1:4:2]:
        attend(people["grace"], event)
    for event in events[4:]:
        attend(people["lena"], event)
    engagement_recompute_org(org=org, now=now)
    return {"org": org, "admin": maya.user, **people}


def test_admin_overrides_a_level_and_member_opts_out(browser, live_server, world, screenshot):
    org = world["org"]
    lena = world["lena"]
    page = open_as(browser, live_server, world["admin"])

    page.goto(f"{live_server.url}/orgs/{org.slug}/admin/engagement/")
    expect(page.get_by_role("heading", name="Engagement", exact=True)).to_be_visible()
    lena_score = EngagementScore.objects.get(membership=lena)
    assert lena_score.source == "llm"
    row = page.locator(f"#engagement-row-{lena.pk}")
    expect(row).to_contain_text(lena_score.rationale)
    expect(row).to_contain_text("Claude claude-haiku-5-5")
    screenshot("engagement_admin_1280", page)

    row.get_by_role("link", name="Details & override").click()
    panel = page.locator(f"#engagement-panel-{lena.pk}")
    expect(panel).to_be_visible()
    panel.get_by_role("link", name="Override level").click()
    form = panel.locator("form.astn-override-form")
    form.get_by_role("button", name="Save override").click()  # no reason: refused
    expect(form).to_contain_text("Say why you are overriding the level.")
    form.get_by_label("Level").select_option("moderate")
    form.get_by_label("Reason").fill("Leads our new translation circle online")
    form.get_by_role("button", name="Save override").click()

    panel = page.locator(f"#engagement-panel-{lena.pk}")
    expect(panel).to_contain_text("Set to Moderate")
    expect(panel).to_contain_text("Leads our new translation circle online")
    expect(panel.locator('[data-level="moderate"]').first).to_be_visible()
    panel.locator("summary", has_text="History").click()
    expect(panel.locator(".astn-engagement-history")).to_contain_text("override to Moderate")
    assert EngagementOverride.objects.get(membership=lena).by == world["admin"]
    screenshot("engagement_override_1280", page)

    page.reload()
    expect(page.locator(f"#engagement-row-{lena.pk} [data-level='moderate']")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("engagement_admin_390", page)

    member = open_as(browser, live_server, world["grace"].user)
    member.goto(f"{live_server.url}/me/engagement/")
    expect(member.get_by_role("heading", name="What the AI was sent")).to_be_visible()
    expect(member.locator("[data-source='llm']")).to_be_visible()
    screenshot("engagement_me_ai_1280", member)
    member.get_by_role("button", name="Opt out of AI classification").click()
    expect(member.locator("[data-ai-state='off']")).to_be_visible()
    expect(member.locator("[data-source='rules']")).to_contain_text("Member opted out of AI")
    screenshot("engagement_me_opted_out_1280", member)
    member.set_viewport_size({"width": 390, "height": 844})
    screenshot("engagement_me_opted_out_390", member)
    member.context.close()
