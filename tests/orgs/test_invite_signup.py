"""A signed-out visitor with an invite link signs up, verifies (which signs them in) and lands
back on it."""

import re

import pytest
from django.core import mail

from orgs.models import Membership
from tests.factories.orgs import InviteLinkFactory

pytestmark = pytest.mark.django_db


def test_sign_up_from_an_invite_comes_back_to_the_invite_after_verification(client, org):
    invite = InviteLinkFactory(org=org)
    invite_url = f"/invite/{invite.token}/"
    client.post(
        f"/accounts/signup/?next={invite_url}",
        {
            "name": "Nia New",
            "email": "nia@example.org",
            "password1": "a-sturdy-passphrase-42",
            "password2": "a-sturdy-passphrase-42",
            "next": invite_url,
        },
    )
    confirm = re.search(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
    response = client.post(confirm.group(1))
    # Confirming in the sign-up's own browser signs her in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION).
    assert response["Location"] == invite_url
    assert b"Join Berlin Reading Circle" in client.get(invite_url).content
    client.post(invite_url)
    assert Membership.objects.get(org=org, user__email="nia@example.org").source == "invite"


def test_a_foreign_next_is_not_remembered(client):
    client.post(
        "/accounts/signup/",
        {
            "name": "Eve",
            "email": "eve@example.org",
            "password1": "a-sturdy-passphrase-42",
            "password2": "a-sturdy-passphrase-42",
            "next": "https://evil.example/phish",
        },
    )
    confirm = re.search(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
    response = client.post(confirm.group(1))
    assert "evil" not in response["Location"]
