"""Screenshots of the notification pages, and the htmx behaviour of the centre."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from astn.accounts.models import EventMode, NotificationSettings
from astn.notifications import services
from astn.notifications.models import OutboundEmail
from astn.notifications.unsubscribe import unsubscribe_token
from tests.browser.fixtures import log_in
from tests.factories.accounts import UserFactory
from tests.factories.notifications import NotificationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rosa(db):
    return UserFactory(name="Rosa Delgado", email="rosa@example.org")


def test_settings_page(live_server, page, screenshot, rosa):
    log_in(page, live_server, rosa.email)
    page.goto(live_server.url + "/me/settings/")
    screenshot("notifications-01-settings")

    page.get_by_label("Every new event, as it is announced").check()
    page.get_by_label("Remind me 1 hour before").uncheck()
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_selector("text=Your settings are saved.")
    screenshot("notifications-02-settings-saved")

    prefs = NotificationSettings.objects.get(user=rosa)
    assert prefs.event_mode == EventMode.ALL
    assert prefs.remind_hour_before is False


def test_notification_centre_and_bell(live_server, page, screenshot, rosa):
    NotificationFactory(
        user=rosa,
        kind="attendance.prompt",
        title="Did you attend Reading night: Middlemarch?",
        body="One tap tells Lisbon Readers you were there.",
        url="/orgs/",
        read_at=timezone.now(),
    )
    NotificationFactory(
        user=rosa,
        kind="reminder.hour",
        title="In 1 hour: Founders breakfast",
        body="Café Lua, Rua da Rosa 12 · 09:00–10:30",
    )
    NotificationFactory(
        user=rosa,
        kind="event.announced",
        title="New event from Lisbon Readers: Poetry walk",
        body="Saturday 14 March, 10:00 · Jardim da Estrela",
        url="/orgs/",
    )
    log_in(page, live_server, rosa.email)
    page.goto(live_server.url + "/notifications/")
    # The bell's name is what a screen reader says: its visible count, with words around it.
    expect(page.locator("#nav-bell")).to_have_accessible_name("Notifications 2 unread")
    screenshot("notifications-03-centre")

    # Mark one read in place (htmx): the row loses its highlight and the bell re-counts.
    page.get_by_role("button", name="Mark “In 1 hour: Founders breakfast” read").click()
    expect(page.locator("#nav-bell")).to_have_accessible_name("Notifications 1 unread")
    expect(page.locator(".astn-notification-unread")).to_have_count(1)
    expect(page.locator("#notifications-summary")).to_contain_text("1 unread")
    screenshot("notifications-04-centre-one-read")

    # Clicking a notification marks it read and goes where it points.
    page.locator(".astn-notification-open", has_text="Poetry walk").click()
    page.wait_for_url(live_server.url + "/orgs/")
    assert rosa.notifications.filter(read_at__isnull=True).count() == 0


def test_empty_centre(live_server, page, screenshot, rosa):
    log_in(page, live_server, rosa.email)
    page.goto(live_server.url + "/notifications/")
    page.get_by_text("No notifications yet").wait_for()
    assert page.locator(".astn-empty").count() == 1
    screenshot("notifications-05-centre-empty")


def test_unsubscribe_pages(live_server, page, screenshot, rosa):
    NotificationSettings.objects.filter(user=rosa).update(event_mode=EventMode.ALL)
    page.goto(f"{live_server.url}/u/{unsubscribe_token(rosa, 'announcements')}/")
    screenshot("notifications-06-unsubscribe-confirm")
    page.get_by_role("button", name="Unsubscribe").click()
    page.wait_for_selector("text=You’re unsubscribed from new-event announcements")
    screenshot("notifications-07-unsubscribe-done")
    # Unsubscribing never subscribes: no event emails at all, not the digest instead.
    assert NotificationSettings.objects.get(user=rosa).event_mode == EventMode.NONE
    # The digest is a choice the person makes on the confirmation page.
    page.get_by_role("button", name="Get the weekly digest instead").click()
    page.get_by_text("You’ll get the weekly digest on Monday mornings instead").wait_for()
    assert NotificationSettings.objects.get(user=rosa).event_mode == EventMode.WEEKLY

    page.goto(f"{live_server.url}/u/{unsubscribe_token(rosa, 'all')[:-4]}/")
    page.get_by_role("heading", name="This link can’t be used").wait_for()
    assert page.get_by_role("button", name="Unsubscribe").count() == 0  # nothing to act on
    screenshot("notifications-08-unsubscribe-bad-link")


def test_email_design(live_server, page, screenshot, rosa):
    email = services.email_enqueue(
        key="screenshot:1",
        to=rosa.email,
        user=rosa,
        category="announcements",
        subject="New event from Lisbon Readers: Poetry walk, Sat 14 Mar",
        template="notifications/email/message",
        context={
            "org_name": "Lisbon Readers",
            "heading": "Poetry walk through Jardim da Estrela",
            "preheader": "Saturday 14 March, 10:00 (Lisbon time)",
            "paragraphs": [
                "Hi Rosa, Lisbon Readers just published a new event.",
                "Saturday 14 March, 10:00–12:00 (Lisbon time), Jardim da Estrela bandstand.",
                "Bring a poem you love; we'll read them aloud as we walk.",
            ],
            "action_url": live_server.url + "/orgs/",
            "action_label": "See the event and RSVP",
        },
    )
    rendered = services.outbox_render(OutboundEmail.objects.get(pk=email.pk))
    assert rendered.subject == "New event from Lisbon Readers: Poetry walk, Sat 14 Mar"
    page.set_content(rendered.html)
    assert "{{" not in page.content()
    page.get_by_text("Hi Rosa, Lisbon Readers just published a new event.").wait_for()
    button = page.get_by_role("link", name="See the event and RSVP")
    assert button.get_attribute("href") == live_server.url + "/orgs/"
    unsubscribe = page.locator("a[href*='/u/']")
    assert unsubscribe.count() >= 1  # the footer's one-click unsubscribe
    screenshot("notifications-09-email")


def test_admin_outbox_preview(live_server, page, screenshot):
    staff = UserFactory(is_staff=True, is_superuser=True)
    email = services.email_enqueue(
        key="screenshot:2",
        to="rosa@example.org",
        subject="Welcome to ASTN",
        template="notifications/email/message",
        context={"heading": "Welcome to ASTN", "paragraphs": ["Glad you're here."]},
    )
    log_in(page, live_server, staff.email)
    page.goto(f"{live_server.url}/admin/notifications/outboundemail/{email.pk}/change/")
    assert "Welcome to ASTN" in page.inner_text("body")
    assert "Glad you" in page.content()  # the rendered preview, not just the subject field
    screenshot("notifications-10-admin-preview")
    page.goto(f"{live_server.url}/admin/notifications/outboundemail/")
    page.get_by_role("link", name=re.compile("Welcome to ASTN")).first.wait_for()
    screenshot("notifications-11-admin-list")
