"""Email categories are a registry: an app adds its own and unsubscribe links honour it."""

from __future__ import annotations

import pytest
from django.test import Client

from astn.accounts.models import NotificationSettings
from astn.notifications.unsubscribe import (
    EmailCategory,
    categories,
    category_enabled,
    is_category,
    unsubscribe_token,
)
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

STOPPED: set[int] = set()


def _followups() -> EmailCategory:
    """A category whose preference lives in "its own app" (here: a set)."""

    def stop(prefs):
        STOPPED.add(prefs.user_id)
        return ["Follow-up emails from organisers: off"]

    return EmailCategory(
        name="followups",
        label="follow-up emails from organisers",
        enabled=lambda prefs: prefs.user_id not in STOPPED,
        switch_off=stop,
    )


def test_a_new_app_adds_a_category_with_its_own_preference():
    STOPPED.clear()
    user = UserFactory()
    prefs = NotificationSettings.objects.get(user=user)
    assert not is_category("followups")
    with categories.override(_followups()):
        assert is_category("followups")
        assert category_enabled(prefs, "followups")
        path = "/u/" + unsubscribe_token(user, "followups") + "/"
        page = Client().get(path)
        assert b"follow-up emails from organisers" in page.content
        assert user.pk not in STOPPED  # GET switches nothing off
        Client().post(path)
        assert not category_enabled(prefs, "followups")


def test_unsubscribing_from_all_switches_off_every_category_also_the_new_ones():
    STOPPED.clear()
    user = UserFactory()
    with categories.override(_followups()):
        Client().post("/u/" + unsubscribe_token(user, "all") + "/")
        prefs = NotificationSettings.objects.get(user=user)
        assert not any(category_enabled(prefs, c.name) for c in categories if c.name != "all")
    assert user.pk in STOPPED


def test_built_in_categories_keep_their_rules():
    user = UserFactory()
    prefs = NotificationSettings.objects.get(user=user)
    prefs.event_mode, prefs.remind_day_before, prefs.remind_hour_before = "weekly", False, True
    assert category_enabled(prefs, "digest")
    assert not category_enabled(prefs, "announcements")
    assert category_enabled(prefs, "reminders")
    with pytest.raises(ValueError, match="unknown email category"):
        category_enabled(prefs, "nonsense")
    assert not is_category("all")


def test_an_email_of_a_new_category_is_queued_with_its_unsubscribe_link():
    from astn.notifications import services

    user = UserFactory()
    values = {
        "key": "followup:1",
        "to": user.email,
        "subject": "How was it?",
        "template": "notifications/email/message",
        "context": {"heading": "Hi", "paragraphs": ["Thanks for coming."]},
        "user": user,
    }
    with pytest.raises(services.EmailEnqueueError, match="unknown email category"):
        services.email_enqueue(**values, category="followups")
    with categories.override(_followups()):
        email = services.email_enqueue(**values, category="followups")
    assert email.headers["List-Unsubscribe"].startswith("<http")
