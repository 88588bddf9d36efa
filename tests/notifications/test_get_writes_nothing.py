"""GET never changes state: pages that show settings do not create their rows."""

from __future__ import annotations

import pytest
from django.test import Client

from astn.accounts.models import NotificationSettings, PrivacySettings
from astn.notifications.unsubscribe import unsubscribe_token
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bare_user():
    """An account whose settings rows are missing (e.g. created before they existed)."""
    user = UserFactory()
    NotificationSettings.objects.filter(user=user).delete()
    PrivacySettings.objects.filter(user=user).delete()
    return user


def test_the_settings_page_shows_defaults_without_writing(bare_user):
    client = Client()
    client.force_login(bare_user)
    response = client.get("/me/settings/")
    assert response.status_code == 200
    assert not NotificationSettings.objects.filter(user=bare_user).exists()
    assert not PrivacySettings.objects.filter(user=bare_user).exists()


def test_an_unsubscribe_link_shows_without_writing_and_the_post_saves(bare_user):
    path = "/u/" + unsubscribe_token(bare_user, "reminders") + "/"
    page = Client().get(path)
    assert page.status_code == 200
    assert b"event reminders" in page.content
    assert not NotificationSettings.objects.filter(user=bare_user).exists()
    assert Client().post(path).status_code == 200
    prefs = NotificationSettings.objects.get(user=bare_user)
    assert (prefs.remind_day_before, prefs.remind_hour_before) == (False, False)
