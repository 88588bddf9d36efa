"""Mute an org from its page (htmx swap) and unmute it from /me/settings/, in Chromium."""

import pytest

from orgs.models import Membership
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.orgs import MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mute_on_the_org_page_and_unmute_in_settings(live_server, page, screenshot):
    org = OrganizationFactory(name="Berlin Readers", slug="berlin-readers")
    user = UserFactory(name="Mina Schmidt", email="mina@example.org")
    membership = MembershipFactory(org=org, user=user)

    page.goto(live_server.url + "/accounts/login/?next=/orgs/berlin-readers/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/orgs/berlin-readers/")

    page.get_by_role("button", name="Mute").click()
    page.locator('#org-mute[data-muted="true"]').wait_for()
    page.mouse.move(0, 0)  # no hover state in the picture
    screenshot("notify-01-org-muted")
    assert Membership.objects.get(pk=membership.pk).muted

    page.goto(live_server.url + "/me/settings/")
    section = page.locator("#settings-muted-orgs")
    assert "Berlin Readers" in section.inner_text()
    screenshot("notify-02-settings-muted-orgs")
    section.get_by_role("button", name="Unmute").click()
    page.get_by_text("You have not muted any org").wait_for()
    assert not Membership.objects.get(pk=membership.pk).muted
