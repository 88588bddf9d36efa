"""Sign-up with mandatory verification, log in, log out, password reset (allauth)."""

import re

import pytest
from django.core import mail

from astn.accounts.models import User

LINK = re.compile(r"https?://[^\s]+/accounts/[^\s]+")


def _link_in(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(0).replace("http://testserver", "")


@pytest.mark.django_db
def test_sign_up_requires_verifying_the_email_before_logging_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "name": "Ada Quinn",
            "email": "Ada@Example.org",
            "password1": "a-sturdy-passphrase-42",
            "password2": "a-sturdy-passphrase-42",
            "timezone": "Pacific/Auckland",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="ada@example.org")
    assert user.name == "Ada Quinn"
    assert user.profile.timezone == "Pacific/Auckland"
    assert len(mail.outbox) == 1

    # Not verified yet: logging in sends them back to "check your inbox".
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "ada@example.org", "password": "a-sturdy-passphrase-42"}
    )
    assert response["Location"] == "/accounts/confirm-email/"

    confirm_url = _link_in(mail.outbox[-1])
    assert client.get(confirm_url).status_code == 200  # GET shows; it does not confirm
    assert not user.emailaddress_set.get().verified
    client.post(confirm_url)
    assert user.emailaddress_set.get().verified

    response = client.post(
        "/accounts/login/", {"login": "ada@example.org", "password": "a-sturdy-passphrase-42"}
    )
    assert response["Location"] == "/"
    assert b"Welcome to ASTN, Ada Quinn" in client.get("/").content


@pytest.mark.django_db
def test_sign_up_with_a_taken_email_does_not_reveal_the_account(client, user):
    response = client.post(
        "/accounts/signup/",
        {
            "name": "Someone Else",
            "email": user.email.upper(),
            "password1": "a-sturdy-passphrase-42",
            "password2": "a-sturdy-passphrase-42",
        },
    )
    # Same answer as a fresh sign-up (enumeration prevention); the owner gets an email.
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email=user.email).count() == 1


@pytest.mark.django_db
def test_password_reset_sends_a_link_that_sets_a_new_password(client, user):
    client.post("/accounts/password/reset/", {"email": user.email})
    assert len(mail.outbox) == 1
    reset_url = _link_in(mail.outbox[0])
    response = client.get(reset_url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_url
    response = client.post(
        form_url, {"password1": "brand-new-passphrase-7", "password2": "brand-new-passphrase-7"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-passphrase-7")


@pytest.mark.django_db
def test_log_out_is_a_post(client_as_user):
    assert client_as_user.get("/accounts/logout/").status_code == 200  # a confirm page
    assert "_auth_user_id" in client_as_user.session
    client_as_user.post("/accounts/logout/")
    assert "_auth_user_id" not in client_as_user.session


@pytest.mark.django_db
def test_login_is_rate_limited_through_the_redis_cache(client, user, password, settings):
    from django.core.cache import cache

    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    for _ in range(3):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    # Even the right password is refused until the window passes.
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session
    # The counters live in Redis, shared by every web process.
    redis = cache._cache.get_client(None, write=False)
    assert redis.keys("*allauth*"), "rate-limit counters are not in the Redis cache"


@pytest.mark.django_db
def test_allauth_pages_use_the_astn_layout_and_crispy_forms(client):
    for url in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        html = client.get(url).content.decode()
        assert 'class="navbar' in html, url
        assert "form-control" in html, url  # Bootstrap 5 fields from crispy
