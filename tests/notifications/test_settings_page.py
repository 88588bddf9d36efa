"""`/me/settings/`: notification and privacy choices on one page."""

import pytest

from astn.accounts.models import EventMode, NotificationSettings, PrivacySettings
from astn.notifications import settings_sections

URL = "/me/settings/"

ALL_ON = {
    "notify-event_mode": "all",
    "notify-remind_day_before": "on",
    "notify-remind_hour_before": "on",
    "notify-attendance_prompts": "on",
    "notify-community_emails": "on",
    "privacy-attendance_visible_to_admins": "on",
    "privacy-profile_visible_to_admins": "on",
}


@pytest.mark.django_db
def test_settings_need_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_settings_show_the_defaults(client_as_user):
    response = client_as_user.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="weekly"' in html
    assert 'id="id_notify-event_mode_1"' in html
    form = response.context["notify_form"]
    assert form["event_mode"].value() == EventMode.WEEKLY
    assert form["remind_day_before"].value() is True
    assert "Org admins can see my attendance history" in html
    assert "Do not use AI to classify my engagement" in html


@pytest.mark.django_db
def test_saving_settings_changes_both_kinds_and_says_so(client_as_user, user):
    data = {
        "notify-event_mode": "none",
        "notify-remind_hour_before": "on",
        "privacy-ai_classification_opt_out": "on",
    }
    response = client_as_user.post(URL, data, follow=True)

    assert "Your settings are saved." in response.content.decode()
    prefs = NotificationSettings.objects.get(user=user)
    assert prefs.event_mode == EventMode.NONE
    assert (prefs.remind_day_before, prefs.remind_hour_before) == (False, True)
    assert (prefs.attendance_prompts, prefs.community_emails) == (False, False)
    privacy = PrivacySettings.objects.get(user=user)
    assert privacy.attendance_visible_to_admins is False
    assert privacy.profile_visible_to_admins is False
    assert privacy.ai_classification_opt_out is True

    client_as_user.post(URL, ALL_ON)
    prefs.refresh_from_db()
    assert prefs.event_mode == EventMode.ALL
    assert prefs.community_emails


@pytest.mark.django_db
def test_a_bad_choice_is_explained_and_nothing_is_saved(client_as_user, user):
    response = client_as_user.post(URL, {**ALL_ON, "notify-event_mode": "hourly"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please check the highlighted choices." in html
    assert "Select a valid choice" in html
    assert NotificationSettings.objects.get(user=user).event_mode == EventMode.WEEKLY
    # The privacy half was valid, but the page saves all or nothing.
    assert PrivacySettings.objects.get(user=user).ai_classification_opt_out is False


@pytest.mark.django_db
def test_apps_above_can_add_a_section_such_as_muted_orgs(client_as_user):
    settings_sections.register(
        settings_sections.Section(
            name="test-muted",
            order=10,
            title="Muted orgs",
            template="notifications/partials/_unsubscribe_change.html",
            context=lambda request: {"label": "unused"},
        )
    )
    try:
        html = client_as_user.get(URL).content.decode()
    finally:
        settings_sections.unregister("test-muted")
    assert 'id="settings-test-muted"' in html
    assert "Muted orgs" in html
