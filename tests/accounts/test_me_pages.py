"""`/me/profile/` (profile and location opt-in), `/me/export/` and `/me/delete/`."""

import json

import pytest
from allauth.account.models import EmailAddress

from astn.accounts.models import Profile, User
from orgs.models import Membership
from orgs.services import membership_contact_add
from tests.factories.accounts import UserFactory
from tests.factories.orgs import AdminMembershipFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def reauthenticate(client, password):
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302


def test_profile_page_needs_login(client):
    response = client.get("/me/profile/")
    assert response["Location"].startswith("/accounts/login/")


def test_profile_saves_name_and_fields(client_as_user, user):
    response = client_as_user.post(
        "/me/profile/",
        {
            "section": "profile",
            "name": "Rosa Delgado",
            "headline": "Organiser",
            "city": "Lisbon",
            "timezone": "Europe/Lisbon",
            "career_stage": "mid",
            "skills": "python,  facilitation , Python, design",
            "interests": "urban gardening",
            "bio": "Hi",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    profile = Profile.objects.get(user=user)
    assert user.name == "Rosa Delgado"
    assert profile.skills == ["python", "facilitation", "design"]
    assert (profile.city, profile.timezone) == ("Lisbon", "Europe/Lisbon")


def test_profile_rejects_an_unknown_time_zone(client_as_user, user):
    response = client_as_user.post(
        "/me/profile/", {"section": "profile", "name": "X", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content


def test_a_nul_in_one_skill_is_refused_and_the_rest_of_the_profile_kept(client_as_user, user):
    # Found by the one-field-at-a-time form walk: the list slipped past CharField's NUL
    # check and Postgres refused the row (a 500).
    response = client_as_user.post(
        "/me/profile/",
        {"section": "profile", "name": "Rosa Delgado", "headline": "Organiser",
         "timezone": "Europe/Lisbon", "skills": "python, fa\x00cilitation"},
    )  # fmt: skip
    assert response.status_code == 400
    assert b"Null characters are not allowed." in response.content
    assert b'value="Organiser"' in response.content
    assert Profile.objects.get(user=user).skills == []


def test_location_is_off_by_default_and_opting_in_stores_coordinates(client_as_user, user):
    assert not Profile.objects.get(user=user).location_discoverable
    response = client_as_user.post(
        "/me/profile/", {"section": "location", "share": "on", "lat": "38.7223", "lng": "-9.1393"}
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert (profile.location_discoverable, profile.lat, profile.lng) == (True, 38.7223, -9.1393)


def test_withdrawing_location_deletes_the_coordinates(client_as_user, user):
    client_as_user.post(
        "/me/profile/", {"section": "location", "share": "on", "lat": "1", "lng": "2"}
    )
    client_as_user.post("/me/profile/", {"section": "location", "lat": "1", "lng": "2"})
    profile = Profile.objects.get(user=user)
    assert (profile.location_discoverable, profile.lat, profile.lng) == (False, None, None)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"lat": "91", "lng": "0"}, "less than or equal to 90"),
        ({"lat": "0", "lng": "-180.5"}, "greater than or equal to -180"),
        ({"lat": "", "lng": ""}, "type both coordinates"),
        ({"lat": "north", "lng": "1"}, "Enter a number"),
    ],
)
def test_bad_coordinates_are_refused_clearly(client_as_user, user, data, error):
    response = client_as_user.post("/me/profile/", {"section": "location", "share": "on", **data})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Profile.objects.get(user=user).location_discoverable


def test_export_needs_reauthentication(client_as_user):
    assert client_as_user.get("/me/export/").status_code == 200
    response = client_as_user.get("/me/export/?download=json")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_export_holds_the_members_data_and_nothing_of_others(client_as_user, user, password):
    org = OrganizationFactory(name="Lisbon Makers")
    MembershipFactory(org=org, user=user)
    other = UserFactory(email="someone.else@example.org", name="Zed Other")
    MembershipFactory(org=org, user=other)
    AdminMembershipFactory(org=org, user=UserFactory(email="boss@example.org", name="Boss Person"))
    Profile.objects.filter(user=user).update(bio="I like bikes", city="Lisbon")

    reauthenticate(client_as_user, password)
    response = client_as_user.get("/me/export/?download=json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="astn-export-')
    assert response["Cache-Control"] == "no-store"
    document = json.loads(response.content)
    assert document["format"] == "astn-export/1"
    assert document["account"]["email"] == user.email
    assert document["profile"]["bio"] == "I like bikes"
    assert document["email_addresses"] == [{"email": user.email, "verified": True, "primary": True}]
    assert {"notification_settings", "privacy_settings"} <= set(document)
    assert [m["org"] for m in document["memberships"]] == ["Lisbon Makers"]
    text = response.content.decode()
    for foreign in ("someone.else@example.org", "Zed Other", "boss@example.org", "Boss Person"):
        assert foreign not in text
    assert user.profile.calendar_token not in text  # a credential, not data


def test_delete_page_explains_and_needs_reauthentication(client_as_user, user):
    org = OrganizationFactory(name="Solo Club")
    AdminMembershipFactory(org=org, user=user)
    page = client_as_user.get("/me/delete/").content.decode()
    assert "membership will be anonymised" in page
    assert "You are the only admin of Solo Club" in page
    response = client_as_user.post("/me/delete/", {"confirm": "on"})
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_requires_the_confirmation_box(client_as_user, user, password):
    reauthenticate(client_as_user, password)
    response = client_as_user.post("/me/delete/", {})
    assert response.status_code == 400
    assert b"Tick the box to confirm" in response.content
    assert User.objects.filter(pk=user.pk).exists()


def test_after_deletion_no_row_names_the_member(client_as_user, user, password):
    email, name, user_id = user.email, user.name, user.pk
    org = OrganizationFactory()
    member_row = MembershipFactory(org=org, user=user)
    left_row = MembershipFactory(user=user, status="left")
    contact_org = OrganizationFactory()
    contact_row = membership_contact_add(org=contact_org, email=email, name=name)
    bystander = MembershipFactory(org=org)

    reauthenticate(client_as_user, password)
    response = client_as_user.post("/me/delete/", {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/"

    assert not User.objects.filter(pk=user_id).exists()
    assert not User.objects.filter(email__iexact=email).exists()
    assert not EmailAddress.objects.filter(email__iexact=email).exists()
    assert not Profile.objects.filter(user_id=user_id).exists()
    assert not Membership.objects.filter(email__iexact=email).exists()
    assert not Membership.objects.filter(name=name).exists()
    for row, status in ((member_row, "member"), (left_row, "left"), (contact_row, "contact")):
        row.refresh_from_db()
        assert (row.user_id, row.email, row.name, row.status) == (None, "", "", status)
        assert row.anonymised_at is not None
    bystander.refresh_from_db()
    assert bystander.user is not None
    assert bystander.email
    # The org still counts the member (statistics keep counts, not people).
    assert Membership.objects.filter(org=org, status="member").count() == 2
    # Logged out.
    assert client_as_user.get("/me/profile/").status_code == 302
