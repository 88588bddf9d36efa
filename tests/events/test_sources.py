"""The calendar-sync section of the org settings: lu.ma key, iCal feed, Sync now."""

import re

import pytest

from events.crypto import decrypt, encrypt
from events.models import Event, SyncLog

SETTINGS = "/orgs/{slug}/admin/settings/"


def reauthenticate(client, password):
    client.post("/accounts/reauthenticate/", {"password": password})


@pytest.fixture
def fast_retries(settings):
    settings.LUMA_BACKOFF_SECONDS = 0.01


def settings_page(client, org) -> str:
    response = client.get(SETTINGS.format(slug=org.slug))
    assert response.status_code == 200
    return response.content.decode()


def test_setting_the_luma_key_needs_a_fresh_password(org, client_as_admin, fake_luma):
    response = client_as_admin.post(
        f"/orgs/{org.slug}/admin/settings/calendar/luma/", {"api_key": fake_luma.api_key}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    org.refresh_from_db()
    assert org.luma_api_key_encrypted == ""


def test_a_good_key_is_stored_encrypted_shown_masked_and_synced(
    org, client_as_admin, password, fake_luma, fast_retries, django_capture_on_commit_callbacks
):
    fake_luma.add_event(name="From lu.ma")
    reauthenticate(client_as_admin, password)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as_admin.post(
            f"/orgs/{org.slug}/admin/settings/calendar/luma/", {"api_key": fake_luma.api_key}
        )
    assert response.status_code == 302
    org.refresh_from_db()
    assert fake_luma.api_key not in org.luma_api_key_encrypted
    assert decrypt(org.luma_api_key_encrypted) == fake_luma.api_key
    page = settings_page(client_as_admin, org)
    assert "••••" + fake_luma.api_key[-4:] in page
    assert fake_luma.api_key not in page
    assert Event.objects.filter(org=org, source="luma", title="From lu.ma").exists()
    log = SyncLog.objects.get(org=org)
    assert log.ok
    assert log.trigger == SyncLog.Trigger.SETUP


def test_a_key_lumas_refuses_is_not_saved_and_says_so(org, client_as_admin, password, fake_luma):
    reauthenticate(client_as_admin, password)
    response = client_as_admin.post(
        f"/orgs/{org.slug}/admin/settings/calendar/luma/", {"api_key": "wrong-key"}, follow=True
    )
    assert "lu.ma refused this API key" in response.content.decode()
    org.refresh_from_db()
    assert org.luma_api_key_encrypted == ""


def test_a_key_revoked_later_shows_a_clear_error_on_the_settings_page(
    org, client_as_admin, fake_luma, fast_retries, django_capture_on_commit_callbacks
):
    org.luma_api_key_encrypted = encrypt("revoked-key")
    org.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as_admin.post(f"/orgs/{org.slug}/admin/settings/calendar/sync/")
    assert response.status_code == 302
    page = settings_page(client_as_admin, org)
    assert "Last lu.ma sync failed" in page
    assert "lu.ma refused the API key" in page


def test_removing_the_key_keeps_the_synced_events(org, client_as_admin, password, event):
    org.luma_api_key_encrypted = encrypt("some-key")
    org.save()
    reauthenticate(client_as_admin, password)
    client_as_admin.post(f"/orgs/{org.slug}/admin/settings/calendar/luma/", {"remove": "1"})
    org.refresh_from_db()
    assert org.luma_api_key_encrypted == ""
    assert Event.objects.filter(pk=event.pk).exists()


def test_an_ics_feed_is_checked_saved_and_imported(
    org, client_as_admin, ics_server, django_capture_on_commit_callbacks
):
    from tests.events.test_ical_import import day, feed, vevent

    url = ics_server.serve("/team.ics", feed(vevent("one@test", day(3), summary="From the feed")))
    with django_capture_on_commit_callbacks(execute=True):
        client_as_admin.post(f"/orgs/{org.slug}/admin/settings/calendar/ical/", {"url": url})
    org.refresh_from_db()
    assert org.ics_feed_url == url
    assert Event.objects.filter(org=org, source="ical", title="From the feed").exists()
    assert url in settings_page(client_as_admin, org)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "Enter a full http:// or https:// address"),
        ("ftp://example.org/x.ics", "Enter a full http:// or https:// address"),
    ],
)
def test_a_bad_feed_url_is_not_saved(org, client_as_admin, url, message):
    response = client_as_admin.post(
        f"/orgs/{org.slug}/admin/settings/calendar/ical/", {"url": url}, follow=True
    )
    assert message in response.content.decode()
    org.refresh_from_db()
    assert org.ics_feed_url == ""


def test_a_private_feed_address_is_refused(org, client_as_admin, settings):
    settings.ASTN_FETCH_ALLOW_PRIVATE = False
    response = client_as_admin.post(
        f"/orgs/{org.slug}/admin/settings/calendar/ical/",
        {"url": "http://169.254.169.254/latest/meta-data/"},
        follow=True,
    )
    assert "private or local network address" in response.content.decode()
    org.refresh_from_db()
    assert org.ics_feed_url == ""


def test_a_malformed_feed_is_saved_and_its_setup_sync_says_what_is_wrong(
    org, client_as_admin, ics_server, django_capture_on_commit_callbacks
):
    # The feed is fetched by the setup sync (a task), never in the web request.
    url = ics_server.serve("/broken.ics", "<html>not a calendar</html>", content_type="text/html")
    with django_capture_on_commit_callbacks(execute=True):
        client_as_admin.post(f"/orgs/{org.slug}/admin/settings/calendar/ical/", {"url": url})
    org.refresh_from_db()
    assert org.ics_feed_url == url
    assert "not a valid iCalendar" in settings_page(client_as_admin, org)
    assert not Event.objects.filter(org=org).exists()


def test_sync_now_without_a_source_explains_what_to_do(org, client_as_admin):
    response = client_as_admin.post(f"/orgs/{org.slug}/admin/settings/calendar/sync/", follow=True)
    assert "Add a lu.ma API key or an iCal feed first" in response.content.decode()


def test_sync_now_is_post_only(org, client_as_admin):
    assert client_as_admin.get(f"/orgs/{org.slug}/admin/settings/calendar/sync/").status_code == 405


def test_the_sync_log_is_on_the_settings_page(org, client_as_admin):
    SyncLog.objects.create(org=org, source="ical", ok=True, created=4, updated=1)
    page = settings_page(client_as_admin, org)
    assert "Sync log" in page
    assert "iCal feed" in page


def test_a_refused_feed_keeps_what_was_typed_with_the_error_under_the_field(org, client_as_admin):
    response = client_as_admin.post(
        f"/orgs/{org.slug}/admin/settings/calendar/ical/", {"url": "webcal:/oops"}, follow=True
    )
    html = response.content.decode()
    assert 'value="webcal:/oops"' in html  # not cleared
    field = re.search(r'<input[^>]*name="url"[^>]*>', html).group(0)
    assert "is-invalid" in field
    assert "Enter a full http:// or https:// address" in html.split('name="url"', 1)[1][:1500]
    # Shown once: the next visit is a clean form again.
    assert 'value="webcal:/oops"' not in settings_page(client_as_admin, org)


def test_event_form_reports_end_before_start_with_the_other_errors(org, client_as_admin):
    response = client_as_admin.post(
        f"/orgs/{org.slug}/admin/events/new/",
        {
            "title": "",
            "event_type": "meetup",
            "start": "2031-05-01T19:00",
            "end": "2031-05-01T18:00",
            "timezone": "Europe/Berlin",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.has_error("title")
    assert form.errors["end"] == ["The event must end after it starts."]
