import pytest
from django.urls import reverse
from django.utils import timezone

from orgs.models import InviteLink, Membership, Organization
from orgs.services import membership_contact_add
from tests.factories.accounts import UserFactory
from tests.factories.orgs import (
    ContactMembershipFactory,
    InviteLinkFactory,
    MembershipFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


def test_browse_lists_discoverable_orgs_with_search_and_pagination(client, org):
    OrganizationFactory(name="Hidden Council", discoverable=False)
    for n in range(13):
        OrganizationFactory(name=f"Lisbon Surf Club {n:02}", city="Lisbon")
    response = client.get("/orgs/")
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 14
    assert b"Hidden Council" not in response.content
    page2 = client.get("/orgs/", {"city": "Lisbon", "page": 2})
    assert [o.name for o in page2.context["orgs"]] == ["Lisbon Surf Club 12"]
    assert b"city=Lisbon&amp;page=1" in page2.content


def test_browse_search_finds_and_shows_a_clear_empty_state(client, org):
    assert b"Berlin Reading Circle" in client.get("/orgs/", {"q": "reading"}).content
    response = client.get("/orgs/", {"q": "quantum knitting"})
    assert response.status_code == 200
    assert "No orgs match “quantum knitting”" in response.content.decode()


@pytest.mark.parametrize("query", ["'", "&", "!!", ":*", "' OR 1=1 --", "a:*&!b", "\x00"])
def test_browse_with_odd_characters_never_errors(client, org, query):
    assert client.get("/orgs/", {"q": query}).status_code == 200


def test_near_me_without_location_explains_how_to_turn_it_on(client_as_member, org):
    response = client_as_member.get("/orgs/", {"near": "on"})
    assert response.status_code == 200
    assert b"share your location in your profile" in response.content
    assert not response.context["near_active"]


def test_near_me_sorts_by_distance_for_members_who_share_location(client, outsider, org):
    from astn.accounts.services import profile_location_set

    OrganizationFactory(name="London Hub", city="London", lat=51.5, lng=-0.12)
    profile_location_set(user=outsider, lat=51.5, lng=-0.1)
    client.force_login(outsider)
    response = client.get("/orgs/", {"near": "on"})
    assert [o.name for o in response.context["orgs"]] == ["London Hub", "Berlin Reading Circle"]
    assert b"1 km away" in response.content


def test_org_page_shows_the_org_its_admins_and_member_count(client, org, admin, member):
    response = client.get(org.get_absolute_url())
    assert response.status_code == 200
    assert response.context["member_count"] == 2
    assert b"Ada Admin" in response.content
    assert b"Sign up to join" in response.content


def test_org_page_of_a_deleted_or_unknown_org_is_a_clear_404(client, org):
    slug = org.slug
    org.delete()
    response = client.get(f"/orgs/{slug}/")
    assert response.status_code == 404
    assert b"Page not found" in response.content or b"not found" in response.content.lower()


def test_join_then_leave_then_rejoin(client, outsider, org):
    client.force_login(outsider)
    response = client.post(reverse("orgs:org-join", kwargs={"slug": org.slug}), follow=True)
    assert b"Welcome to Berlin Reading Circle" in response.content
    membership = Membership.objects.get(org=org, user=outsider)
    assert membership.status == "member"

    client.post(reverse("orgs:org-leave", kwargs={"slug": org.slug}))
    membership.refresh_from_db()
    assert membership.status == "left"

    response = client.get(org.get_absolute_url())
    assert b"Rejoin Berlin Reading Circle" in response.content
    client.post(reverse("orgs:org-join", kwargs={"slug": org.slug}))
    assert Membership.objects.get(org=org, user=outsider).status == "member"


def test_join_is_post_only_and_needs_login(client, org):
    url = reverse("orgs:org-join", kwargs={"slug": org.slug})
    response = client.post(url)
    assert response.status_code == 302
    # After logging in they land on the org page (the join URL itself is POST-only).
    assert response["Location"] == f"/accounts/login/?next=/orgs/{org.slug}/"
    assert not Membership.objects.filter(org=org, user__isnull=False).exists()


def test_get_on_join_does_not_change_anything(client_as_member, outsider, org):
    client_as_member.force_login(outsider)
    response = client_as_member.get(reverse("orgs:org-join", kwargs={"slug": org.slug}))
    assert response.status_code == 405
    assert not Membership.objects.filter(user=outsider).exists()


def test_join_a_deleted_org_is_404_not_500(client_as_member, org):
    slug = org.slug
    Organization.objects.filter(pk=org.pk).delete()
    assert client_as_member.post(f"/orgs/{slug}/join/").status_code == 404


def test_the_last_admin_is_told_why_they_cannot_leave(client_as_admin, org, admin):
    response = client_as_admin.post(f"/orgs/{org.slug}/leave/", follow=True)
    assert b"You are the last admin of Berlin Reading Circle" in response.content
    assert Membership.objects.get(org=org, user=admin).is_admin


def test_create_an_org_and_become_its_admin(client, outsider):
    client.force_login(outsider)
    response = client.post(
        "/orgs/new/", {"name": "Lisbon Makers", "slug": "", "city": "Lisbon", "discoverable": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/orgs/lisbon-makers/admin/settings/"
    assert Membership.objects.get(org__slug="lisbon-makers", user=outsider).is_admin


@pytest.mark.parametrize("slug", ["berlin-reading-circle", "new"])
def test_create_with_a_taken_or_reserved_slug_shows_a_form_error(client, outsider, org, slug):
    client.force_login(outsider)
    response = client.post("/orgs/new/", {"name": "Copycat", "slug": slug})
    assert response.status_code == 200
    assert "That address is" in response.content.decode()
    assert not Organization.objects.filter(name="Copycat").exists()


# --- Invite links -------------------------------------------------------------


def test_invite_get_shows_the_org_and_changes_nothing(client_as_member, org, outsider):
    invite = InviteLinkFactory(org=org)
    client_as_member.force_login(outsider)
    response = client_as_member.get(invite.get_absolute_url())
    assert response.status_code == 200
    assert b"Join Berlin Reading Circle" in response.content
    assert response["Referrer-Policy"] == "strict-origin"  # origin only: the token never leaks
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    invite.refresh_from_db()
    assert invite.uses == 0
    assert not Membership.objects.filter(user=outsider).exists()


def test_invite_for_a_signed_out_visitor_offers_sign_up_and_log_in_coming_back(client, org):
    invite = InviteLinkFactory(org=org)
    content = client.get(invite.get_absolute_url()).content.decode()
    assert f"/accounts/signup/?next=/invite/{invite.token}/" in content
    assert f"/accounts/login/?next=/invite/{invite.token}/" in content


def test_invite_post_joins_and_counts_a_use(client, outsider, org):
    invite = InviteLinkFactory(org=org, max_uses=2)
    client.force_login(outsider)
    response = client.post(invite.get_absolute_url())
    assert response["Location"] == org.get_absolute_url()
    membership = Membership.objects.get(org=org, user=outsider)
    assert (membership.source, membership.invite_link) == ("invite", invite)
    invite.refresh_from_db()
    assert invite.uses == 1


def test_invite_post_signed_out_goes_to_login(client, org):
    invite = InviteLinkFactory(org=org)
    response = client.post(invite.get_absolute_url())
    assert response["Location"] == f"/accounts/login/?next=/invite/{invite.token}/"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"expires_at": timezone.now() - timezone.timedelta(days=1)}, "has expired"),
        ({"revoked_at": timezone.now()}, "turned off by the organisation"),
        ({"max_uses": 3, "uses": 3}, "used as many times as it allows"),
    ],
)
def test_unusable_invites_get_a_clear_page(client, outsider, org, kwargs, message):
    invite = InviteLinkFactory(org=org, **kwargs)
    client.force_login(outsider)
    for response in (client.get(invite.get_absolute_url()), client.post(invite.get_absolute_url())):
        assert response.status_code == 410
        assert message in response.content.decode()
    assert not Membership.objects.filter(user=outsider).exists()


@pytest.mark.parametrize("token", ["not-a-real-token", "%00", "abc%00def"])
def test_unknown_invite_gets_a_clear_404_page(client, client_as_user, token):
    """A NUL in the token (Postgres refuses it in a string) was a 500 before."""
    response = client.get(f"/invite/{token}/")
    assert response.status_code == 404
    assert b"This invite link does not work" in response.content
    assert client.post(f"/invite/{token}/").status_code in (302, 404)
    assert client_as_user.post(f"/invite/{token}/").status_code == 404


def test_invite_for_an_org_you_belong_to(client_as_member, org):
    invite = InviteLinkFactory(org=org)
    assert b"You are already a member" in client_as_member.get(invite.get_absolute_url()).content
    response = client_as_member.post(invite.get_absolute_url(), follow=True)
    assert b"You are already a member of Berlin Reading Circle" in response.content
    invite.refresh_from_db()
    assert invite.uses == 0


def test_invite_of_a_deleted_org_is_a_clear_page(client, outsider, org):
    invite = InviteLinkFactory(org=org)
    org.delete()
    client.force_login(outsider)
    assert client.get(f"/invite/{invite.token}/").status_code == 404
    assert client.post(f"/invite/{invite.token}/").status_code == 404


# --- Org settings --------------------------------------------------------------


def settings_url(org, suffix=""):
    return f"/orgs/{org.slug}/admin/settings/{suffix}"


def test_settings_page_shows_every_section(client_as_admin, org):
    InviteLinkFactory(org=org, label="Flyer")
    response = client_as_admin.get(settings_url(org))
    assert response.status_code == 200
    content = response.content.decode()
    for text in ("Profile", "Admins", "Invite links", "Flyer", "data-copy="):
        assert text in content


def test_settings_saves_the_org_including_coordinates(client_as_admin, org):
    data = {
        "name": "Berlin Readers",
        "slug": "berlin-readers",
        "description": "New text",
        "city": "Berlin",
        "lat": "52.5",
        "lng": "13.4",
        "discoverable": "",
    }
    response = client_as_admin.post(settings_url(org), data)
    assert response.status_code == 302
    assert response["Location"] == "/orgs/berlin-readers/admin/settings/"
    org.refresh_from_db()
    assert (org.name, org.lat, org.lng, org.discoverable) == ("Berlin Readers", 52.5, 13.4, False)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"lat": "91"}, "less than or equal to 90"),
        ({"lng": "-200"}, "greater than or equal to -180"),
        ({"lat": "", "lng": "13"}, "both latitude and longitude"),
        ({"slug": "taken"}, "That address is already taken"),
        ({"lat": "abc"}, "Enter a number"),
    ],
)
def test_settings_bad_input_shows_errors_and_saves_nothing(client_as_admin, org, changes, error):
    OrganizationFactory(slug="taken")
    data = {"name": "Changed", "slug": org.slug, "lat": "52", "lng": "13", **changes}
    response = client_as_admin.post(settings_url(org), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    org.refresh_from_db()
    assert org.name == "Berlin Reading Circle"


def test_admin_creates_and_revokes_an_invite_link(client_as_admin, org, admin):
    response = client_as_admin.post(
        settings_url(org, "invites/"), {"label": "Flyer", "expires_in_days": "7", "max_uses": "10"}
    )
    assert response["Location"] == settings_url(org) + "#invites"
    invite = InviteLink.objects.get(org=org)
    assert (invite.label, invite.max_uses, invite.created_by) == ("Flyer", 10, admin)
    assert invite.expires_at > timezone.now() + timezone.timedelta(days=6)

    client_as_admin.post(settings_url(org, f"invites/{invite.pk}/revoke/"))
    invite.refresh_from_db()
    assert invite.state == "revoked"


def test_invite_link_form_rejects_bad_max_uses(client_as_admin, org):
    response = client_as_admin.post(settings_url(org, "invites/"), {"max_uses": "0"}, follow=True)
    assert b"The invite link was not created" in response.content
    assert not InviteLink.objects.exists()


def test_admin_cannot_revoke_another_orgs_invite(client_as_admin, org):
    other = InviteLinkFactory()
    response = client_as_admin.post(settings_url(org, f"invites/{other.pk}/revoke/"))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def _reauthenticate(client, password):
    client.post("/accounts/reauthenticate/", {"password": password})


def test_role_changes_need_recent_reauthentication(client_as_admin, org, member, password):
    membership = Membership.objects.get(org=org, user=member)
    response = client_as_admin.post(settings_url(org, "admins/"), {"membership": membership.pk})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    membership.refresh_from_db()
    assert not membership.is_admin

    # The password is asked for, then allauth replays the promotion.
    response = client_as_admin.post(response["Location"], {"password": password})
    membership.refresh_from_db()
    assert membership.is_admin


def test_promote_and_demote(client_as_admin, org, admin, member, password):
    _reauthenticate(client_as_admin, password)
    membership = Membership.objects.get(org=org, user=member)
    client_as_admin.post(settings_url(org, "admins/"), {"membership": membership.pk})
    membership.refresh_from_db()
    assert membership.is_admin
    response = client_as_admin.post(settings_url(org, f"admins/{membership.pk}/demote/"))
    assert response["Location"] == settings_url(org) + "#admins"
    membership.refresh_from_db()
    assert not membership.is_admin


def test_the_last_admin_cannot_be_demoted_and_is_told_why(client_as_admin, org, admin, password):
    _reauthenticate(client_as_admin, password)
    own = Membership.objects.get(org=org, user=admin)
    response = client_as_admin.post(settings_url(org, f"admins/{own.pk}/demote/"), follow=True)
    assert b"last admin" in response.content
    own.refresh_from_db()
    assert own.is_admin


def test_promote_refuses_members_of_other_orgs_and_contacts(client_as_admin, org, password):
    _reauthenticate(client_as_admin, password)
    stranger = MembershipFactory()
    contact = ContactMembershipFactory(org=org)
    for membership in (stranger, contact):
        response = client_as_admin.post(
            settings_url(org, "admins/"), {"membership": membership.pk}, follow=True
        )
        assert "Choose one of this organisation’s current members" in response.content.decode()
        membership.refresh_from_db()
        assert membership.role == "member"


def test_demote_of_another_orgs_membership_is_404(client_as_admin, org, password):
    _reauthenticate(client_as_admin, password)
    other_admin = MembershipFactory(role="admin")
    response = client_as_admin.post(settings_url(org, f"admins/{other_admin.pk}/demote/"))
    assert response.status_code == 404


# --- Dashboard -------------------------------------------------------------------


def test_dashboard_suggests_orgs_and_lists_my_orgs(client, org):
    OrganizationFactory(name="Berlin Bikers", city="Berlin")
    user = UserFactory()
    user.profile.city = "Berlin"
    user.profile.save()
    MembershipFactory(org=org, user=user)
    client.force_login(user)
    content = client.get("/").content.decode()
    assert "Orgs you might like" in content
    assert "Berlin Bikers" in content
    assert "In Berlin" in content
    assert "Your orgs" in content


def test_dashboard_asks_contacts_to_join(client, org):
    user = UserFactory(email="came@example.net")
    membership_contact_add(org=org, email="came@example.net")  # links to the verified user
    client.force_login(user)
    content = client.get("/").content.decode()
    assert "You attended events of" in content
    client.post(f"/orgs/{org.slug}/join/")
    assert Membership.objects.get(org=org, user=user).status == "member"
    assert "You attended events of" not in client.get("/").content.decode()


def test_browse_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    for n in range(12):
        org = OrganizationFactory(name=f"Hub {n:02}")
        MembershipFactory(org=org)
    with django_assert_max_num_queries(4):
        response = client.get("/orgs/", {"q": "hub"})
    assert len(response.context["orgs"]) == 12


def test_org_page_runs_a_bounded_number_of_queries(
    client_as_member, org, django_assert_max_num_queries
):
    for _ in range(5):
        MembershipFactory(org=org, role="admin")
    with django_assert_max_num_queries(12):
        assert client_as_member.get(org.get_absolute_url()).status_code == 200
