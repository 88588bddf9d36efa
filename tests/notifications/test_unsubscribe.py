"""`/u/<token>/`: GET shows, POST switches off; RFC 8058 one-click; friendly bad links."""

import time

import pytest
from django.test import Client

from astn.accounts.models import EventMode, NotificationSettings
from astn.notifications import links, services
from astn.notifications.unsubscribe import (
    changes_for,
    unsubscribe_headers,
    unsubscribe_token,
    unsubscribe_url,
)
from tests.factories.accounts import UserFactory


def prefs_of(user) -> NotificationSettings:
    return NotificationSettings.objects.get(user=user)


def path_for(user, category) -> str:
    return "/u/" + unsubscribe_token(user, category) + "/"


@pytest.fixture
def member(db):
    user = UserFactory()
    NotificationSettings.objects.filter(user=user).update(event_mode=EventMode.ALL)
    return user


def test_the_headers_point_at_the_one_click_page(member):
    headers = unsubscribe_headers(member, "digest")
    assert headers["List-Unsubscribe"] == f"<{unsubscribe_url(member, 'digest')}>"
    assert headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/u/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_get_shows_what_will_be_switched_off_and_changes_nothing(client, member):
    response = client.get(path_for(member, "reminders"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Unsubscribe from event reminders?" in html
    assert "Remind me 1 day before" in html
    assert "Remind me 1 hour before" in html
    assert 'method="post"' in html
    prefs = prefs_of(member)
    assert prefs.remind_day_before
    assert prefs.remind_hour_before


def test_post_switches_it_off_and_a_second_post_changes_nothing(client, member):
    first = client.post(path_for(member, "reminders"))
    assert first.status_code == 200
    assert "Done. We won’t send you these any more." in first.content.decode()
    prefs = prefs_of(member)
    assert not prefs.remind_day_before
    assert not prefs.remind_hour_before
    assert prefs.event_mode == EventMode.ALL  # other emails stay as they were

    second = client.post(path_for(member, "reminders"))
    assert second.status_code == 200
    assert "already switched off; nothing changed" in second.content.decode()


def test_the_rfc_8058_one_click_post_works_without_a_session_or_csrf_token(member):
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        path_for(member, "announcements"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert prefs_of(member).event_mode == EventMode.NONE  # never "the digest instead"
    assert "_auth_user_id" not in mail_client.session  # a token never logs anyone in


def test_token_pages_send_no_referrer_and_no_store(client, member):
    for response in (
        client.get(path_for(member, "prompts")),
        client.post(path_for(member, "prompts")),
        client.get("/u/garbage/"),
    ):
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]


def test_a_tampered_token_gets_a_friendly_page_and_changes_nothing(client, member):
    token = unsubscribe_token(member, "all")
    response = client.post("/u/" + token[:-2] + "xx/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This link can’t be used" in html
    assert "Go to your settings" in html
    assert prefs_of(member).event_mode == EventMode.ALL


def test_an_expired_token_gets_a_friendly_page(client, member, monkeypatch):
    path = path_for(member, "all")
    later = time.time() + 366 * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response = client.post(path)
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert prefs_of(member).event_mode == EventMode.ALL


def test_a_token_for_another_purpose_is_not_an_unsubscribe_link(client, member):
    from datetime import timedelta

    links.register_purpose("test-other", max_age=timedelta(days=1))
    token = links.make_token("test-other", {"u": member.pk, "c": "all"})
    assert client.post(f"/u/{token}/").status_code == 400
    assert prefs_of(member).event_mode == EventMode.ALL


def test_a_link_for_a_deleted_account_is_not_found(client, member):
    path = path_for(member, "all")
    member.delete()
    response = client.get(path)
    assert response.status_code == 404
    assert "the account is gone" in response.content.decode()


def test_a_link_for_an_unknown_category_is_not_found(client, member):
    token = links.make_token("unsubscribe", {"u": member.pk, "c": "newsletters"})
    assert client.get(f"/u/{token}/").status_code == 404


@pytest.mark.parametrize(
    ("mode", "category", "expected"),
    [
        (EventMode.ALL, "announcements", EventMode.NONE),
        (EventMode.WEEKLY, "announcements", EventMode.WEEKLY),
        (EventMode.WEEKLY, "digest", EventMode.NONE),
        (EventMode.ALL, "digest", EventMode.ALL),
        (EventMode.ALL, "all", EventMode.NONE),
        (EventMode.WEEKLY, "reminders", EventMode.WEEKLY),
    ],
)
def test_event_categories_step_the_event_mode_down(member, mode, category, expected):
    NotificationSettings.objects.filter(user=member).update(event_mode=mode)
    services.unsubscribe_apply(user=member, category=category)
    assert prefs_of(member).event_mode == expected


@pytest.mark.parametrize(
    ("category", "off"),
    [
        ("reminders", {"remind_day_before", "remind_hour_before"}),
        ("prompts", {"attendance_prompts"}),
        ("community", {"community_emails"}),
        (
            "all",
            {"remind_day_before", "remind_hour_before", "attendance_prompts", "community_emails"},
        ),
    ],
)
def test_flag_categories_switch_off_exactly_their_flags(member, category, off):
    services.unsubscribe_apply(user=member, category=category)
    prefs = prefs_of(member)
    flags = ("remind_day_before", "remind_hour_before", "attendance_prompts", "community_emails")
    assert {flag for flag in flags if not getattr(prefs, flag)} == off


def test_the_change_list_describes_before_and_after(member):
    changes = changes_for(prefs_of(member), "announcements")
    assert [(c.label, c.before, c.after) for c in changes] == [
        (
            "Event emails",
            "Every new event, as it is announced",
            EventMode.NONE.label,
        )
    ]


def test_an_already_unsubscribed_member_sees_no_button(client, member):
    services.unsubscribe_apply(user=member, category="community")
    html = client.get(path_for(member, "community")).content.decode()
    assert "You’re already unsubscribed" in html
    assert 'method="post"' not in html


def test_unsubscribing_from_announcements_offers_the_digest_only_as_a_choice(client, member):
    NotificationSettings.objects.filter(user=member).update(event_mode=EventMode.ALL)
    done = client.post(path_for(member, "announcements")).content.decode()
    assert prefs_of(member).event_mode == EventMode.NONE
    assert "Get the weekly digest instead" in done
    chosen = client.post(path_for(member, "announcements"), {"choice": "digest"})
    assert "weekly digest on Monday mornings instead" in chosen.content.decode()
    assert prefs_of(member).event_mode == EventMode.WEEKLY
    # A digest unsubscribe link cannot be turned into a subscription.
    client.post(path_for(member, "digest"))
    client.post(path_for(member, "digest"), {"choice": "digest"})
    assert prefs_of(member).event_mode == EventMode.NONE
