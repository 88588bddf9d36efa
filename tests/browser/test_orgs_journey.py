"""Orgs in a real browser: a new member finds an org and joins; a second person joins
through an invite link the org's admin made in the settings page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from orgs.models import Membership
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.orgs import AdminMembershipFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-sturdy-passphrase-42"


@pytest.fixture
def orgs_world():
    reading = OrganizationFactory(
        name="Berlin Reading Circle",
        slug="berlin-reading-circle",
        city="Berlin",
        website="https://reading.example.org",
        description=(
            "We read one book a month — philosophy, ethics, the odd novel — and meet in a "
            "Kreuzberg café to talk it through. Newcomers welcome."
        ),
    )
    maya = UserFactory(email="maya@example.org", name="Maya Lindqvist")
    AdminMembershipFactory(org=reading, user=maya)
    for _ in range(3):
        MembershipFactory(org=reading)
    OrganizationFactory(
        name="London Civic Tech",
        city="London",
        lat=51.5072,
        lng=-0.1276,
        description="Hack nights for open data and civic technology.",
    )
    OrganizationFactory(
        name="Effective Giving Online",
        city="",
        lat=None,
        lng=None,
        is_online=True,
        description="A worldwide community about giving well; reading groups in every time zone.",
    )
    OrganizationFactory(
        name="Lisbon Open Source Meetup",
        city="Lisbon",
        lat=38.72,
        lng=-9.14,
        description="Talks and sprints on open source and Django.",
    )
    return {"org": reading, "admin": maya}


def _confirm_link() -> str:
    return re.search(r"http://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)


def _sign_up(page, name, email):
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")


def _log_in(page, email, password):
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def test_a_new_member_finds_and_joins_an_org(live_server, page, screenshot, orgs_world):
    org = orgs_world["org"]
    page.goto(live_server.url + "/accounts/signup/")
    _sign_up(page, "Rosa Delgado", "rosa@example.org")
    page.goto(_confirm_link())
    page.get_by_role("button", name="Confirm").click()
    # Confirming the address signs the new member in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION).
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", name="Orgs you might like").is_visible()
    screenshot("orgs-01-dashboard-suggestions")

    page.get_by_role("link", name="Find an org").first.click()
    page.wait_for_url("**/orgs/")
    screenshot("orgs-02-browse")
    page.get_by_label("Search").fill("reading")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/orgs/\?q=reading"))
    results = page.locator(".card h2 a")
    assert results.first.inner_text() == "Berlin Reading Circle"
    screenshot("orgs-03-search-results")

    page.get_by_label("Search").fill("quantum knitting")
    page.get_by_role("button", name="Search").click()
    assert page.get_by_text("No orgs match “quantum knitting”").is_visible()
    screenshot("orgs-04-search-empty")

    page.get_by_label("Search").fill("reading")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Berlin Reading Circle").click()
    page.wait_for_url(f"**/orgs/{org.slug}/")
    assert page.get_by_text("Maya Lindqvist").is_visible()
    screenshot("orgs-05-org-page")

    page.get_by_role("button", name="Join Berlin Reading Circle").click()
    assert page.get_by_text("Welcome to Berlin Reading Circle! You are now a member.").is_visible()
    assert page.get_by_text("You are a member").is_visible()
    screenshot("orgs-06-joined")
    membership = Membership.objects.get(org=org, user__email="rosa@example.org")
    assert (membership.status, membership.source) == ("member", "self")

    # Opt in to location with the browser's geolocation, then sort orgs by distance.
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 51.5033, "longitude": -0.1196})
    page.goto(live_server.url + "/me/profile/")
    page.get_by_role("button", name="Use this device’s location").click()
    expect(page.get_by_text("Filled in. Save to keep it.")).to_be_visible()
    expect(page.get_by_label("Latitude")).to_have_value("51.50330")
    page.get_by_role("button", name="Save location choice").click()
    assert page.get_by_text("Location saved").is_visible()
    screenshot("orgs-11-profile-location")
    page.goto(live_server.url + "/orgs/?near=on")
    cards = page.locator(".card h2 a")
    assert cards.first.inner_text() == "London Civic Tech"
    assert page.get_by_text("London · 1 km away").is_visible()
    screenshot("orgs-12-near-me")


def test_a_visitor_joins_through_an_invite_link_made_by_the_admin(
    live_server, browser, page, screenshot, orgs_world
):
    org, admin = orgs_world["org"], orgs_world["admin"]
    page.goto(live_server.url + "/accounts/login/")
    _log_in(page, admin.email, TEST_PASSWORD)
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + f"/orgs/{org.slug}/admin/settings/")
    page.get_by_label("Label").fill("Flyer at the café")
    page.get_by_label("Max uses").fill("20")
    page.get_by_role("button", name="Create invite link").click()
    assert page.get_by_text("Invite link created").is_visible()
    invite_url = page.locator("[data-invite-url]").first.inner_text().strip()
    assert invite_url.startswith(live_server.url + "/invite/")
    screenshot("orgs-07-settings-invite-links")

    visitor = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    visitor.set_default_timeout(15_000)
    guest = visitor.new_page()
    try:
        guest.goto(invite_url)
        assert guest.get_by_role("heading", name="Berlin Reading Circle").is_visible()
        screenshot("orgs-08-invite-signed-out", target=guest)
        guest.get_by_role("link", name="Create an account to join").click()
        _sign_up(guest, "Kofi Mensah", "kofi@example.org")
        guest.goto(_confirm_link())
        guest.get_by_role("button", name="Confirm").click()
        # Signed in by the confirmation, and back on the invite they came from.
        guest.wait_for_url(invite_url)
        screenshot("orgs-09-invite-signed-in", target=guest)
        guest.get_by_role("button", name="Join Berlin Reading Circle").click()
        guest.wait_for_url(f"**/orgs/{org.slug}/")
        assert guest.get_by_text("You are a member").is_visible()
        screenshot("orgs-10-joined-by-invite", target=guest)
    finally:
        visitor.close()

    membership = Membership.objects.get(org=org, user__email="kofi@example.org")
    assert membership.source == "invite"
    assert membership.invite_link.uses == 1

    page.reload()
    assert page.locator("td", has_text="1 / 20").is_visible()


def test_a_revoked_invite_and_the_account_pages_read_clearly(
    live_server, page, screenshot, orgs_world
):
    from django.utils import timezone

    from tests.factories.orgs import InviteLinkFactory

    invite = InviteLinkFactory(org=orgs_world["org"], revoked_at=timezone.now())
    page.goto(live_server.url + invite.get_absolute_url())
    expect(page.get_by_text("This invite link has been turned off")).to_be_visible()
    screenshot("orgs-13-invite-revoked")

    page.goto(live_server.url + "/accounts/login/")
    _log_in(page, orgs_world["admin"].email, TEST_PASSWORD)
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/me/delete/")
    expect(page.get_by_text("You are the only admin of Berlin Reading Circle")).to_be_visible()
    screenshot("orgs-14-delete-account")
    page.goto(live_server.url + "/me/export/")
    screenshot("orgs-15-export")
