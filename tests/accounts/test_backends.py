"""The signed-in user comes with their profile in one query, and only while active."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from astn.accounts.backends import AuthenticationBackend, ModelBackend
from astn.accounts.models import Profile
from tests.factories.accounts import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})[
        "Location"
    ]
    return client


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_the_user_comes_with_their_profile_in_one_query(backend, django_assert_num_queries):
    user = UserFactory()
    Profile.objects.filter(user=user).update(timezone="Asia/Tokyo")
    with django_assert_num_queries(1):
        assert backend().get_user(user.pk).profile.timezone == "Asia/Tokyo"


def test_every_request_gets_the_viewer_with_their_profile():
    user = UserFactory()
    client = _signed_in(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/orgs/no-such-org/admin/")
    assert response.status_code == 404
    assert response.wsgi_request.user.pk == user.pk
    sql = [query["sql"] for query in queries]
    assert not any(q.startswith('SELECT "accounts_profile"') for q in sql), "\n".join(sql)


def test_an_account_without_a_profile_still_signs_in():
    user = UserFactory()
    Profile.objects.filter(user=user).delete()
    client = _signed_in(user)
    assert client.get("/orgs/").wsgi_request.user.pk == user.pk


def test_a_deactivated_account_is_signed_out_on_its_next_request():
    user = UserFactory()
    client = _signed_in(user)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert not client.get("/").wsgi_request.user.is_authenticated
