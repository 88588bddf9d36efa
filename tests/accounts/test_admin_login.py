"""The Django admin's login goes through allauth, so it is rate-limited like allauth's (§12)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories.accounts import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LIMITS = {"login": "30/m/ip", "login_failed": "10/m/ip,5/5m/key"}


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, is_superuser=True)


def test_the_admin_sends_signed_out_staff_to_the_allauth_login():
    response = Client().get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"


def test_the_admins_own_login_form_cannot_be_used_to_guess_passwords(staff):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_failed_logins_lock_the_account_like_every_allauth_login(settings, staff):
    settings.ACCOUNT_RATE_LIMITS = LIMITS
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/?next=/admin/", {"login": staff.email, "password": "wrong"})
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": staff.email, "password": TEST_PASSWORD}
    )
    # Even the right password is refused now: allauth's failed-login limit applies.
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_signed_in_staff_go_straight_on_and_members_are_refused(staff):
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/login/?next=/admin/orgs/").headers["Location"] == "/admin/orgs/"
    assert client.get("/admin/login/?next=https://evil.example/").headers["Location"] == "/admin/"
    assert client.get("/admin/login/?next=42").headers["Location"] == "/admin/"
    member = Client()
    member.force_login(UserFactory())
    assert member.get("/admin/login/").status_code == 403
