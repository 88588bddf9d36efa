import datetime

import pytest
from django.utils import timezone

from events.models import Event
from tests.factories.events import DraftEventFactory, EventFactory, PastEventFactory


def form_data(**overrides):
    data = {
        "title": "Autumn reading night",
        "event_type": "reading_group",
        "start": "2030-10-15T19:00",
        "end": "2030-10-15T21:00",
        "timezone": "Europe/Berlin",
        "location": "Café Kafka",
        "virtual_link": "",
        "capacity": "",
        "description": "Bring a **book**.",
    }
    data.update(overrides)
    return data


def test_admin_list_filters_by_status(org, client_as_admin, django_assert_max_num_queries):
    EventFactory(org=org, title="Upcoming one")
    DraftEventFactory(org=org, title="Draft one")
    PastEventFactory(org=org, title="Past one")
    EventFactory(org=org, title="Cancelled one", status=Event.Status.CANCELLED)
    url = f"/orgs/{org.slug}/admin/events/"
    with django_assert_max_num_queries(12):
        upcoming = client_as_admin.get(url).content.decode()
    assert "Upcoming one" in upcoming
    assert "Draft one" in upcoming
    assert "Past one" not in upcoming
    assert "Cancelled one" not in upcoming
    drafts = client_as_admin.get(url + "?status=draft").content.decode()
    assert "Draft one" in drafts
    assert "Upcoming one" not in drafts
    assert "Past one" in client_as_admin.get(url + "?status=past").content.decode()
    assert "Cancelled one" in client_as_admin.get(url + "?status=cancelled").content.decode()
    assert client_as_admin.get(url + "?status=bogus").status_code == 200
    assert "Upcoming one" not in client_as_admin.get(url + "?q=draft").content.decode()


def test_admin_list_search_survives_nul_characters(org, client_as_admin):
    """Postgres refuses NUL in a string: the search drops it rather than failing the page."""
    EventFactory(org=org, title="Draft night")
    url = f"/orgs/{org.slug}/admin/events/"
    response = client_as_admin.get(url + "?q=dra%00ft")
    assert response.status_code == 200
    assert "Draft night" in response.content.decode()
    assert client_as_admin.get(url + "?q=%00").status_code == 200


def test_create_stores_the_local_time_in_the_events_zone_as_utc(org, admin, client_as_admin):
    response = client_as_admin.post(f"/orgs/{org.slug}/admin/events/new/", form_data(publish="1"))
    assert response.status_code == 302
    event = Event.objects.get(org=org)
    assert event.status == Event.Status.PUBLISHED
    assert event.start == datetime.datetime(2030, 10, 15, 17, 0, tzinfo=datetime.UTC)
    assert event.timezone == "Europe/Berlin"
    assert event.created_by == admin
    assert event.event_type == "reading_group"


def test_create_as_draft(org, client_as_admin):
    client_as_admin.post(f"/orgs/{org.slug}/admin/events/new/", form_data(draft="1"))
    assert Event.objects.get(org=org).status == Event.Status.DRAFT


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end": "2030-10-15T18:00"}, "The event must end after it starts."),
        ({"timezone": "Mars/Olympus"}, "“Mars/Olympus” is not a known time zone"),
        ({"is_online": "on", "location": ""}, "An online event needs a link people can join."),
        ({"start": "next tuesday"}, "Enter a date and time"),
        ({"capacity": "0"}, "greater than or equal to 1"),
        ({"title": ""}, "This field is required."),
        # Berlin skips 02:00-03:00 on 31 March 2030.
        ({"start": "2030-03-31T02:30", "end": "2030-03-31T04:00"}, "does not exist"),
    ],
)
def test_create_shows_clear_errors_and_writes_nothing(org, client_as_admin, overrides, message):
    response = client_as_admin.post(f"/orgs/{org.slug}/admin/events/new/", form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Event.objects.exists()


def test_edit_form_shows_local_times_and_saves(org, client_as_admin):
    start = datetime.datetime(2030, 10, 15, 17, 0, tzinfo=datetime.UTC)
    event = EventFactory(org=org, start=start, end=start + datetime.timedelta(hours=2))
    url = f"/orgs/{org.slug}/admin/events/{event.pk}/edit/"
    assert 'value="2030-10-15T19:00"' in client_as_admin.get(url).content.decode()
    response = client_as_admin.post(
        url, form_data(title="Renamed", start="2030-10-15T20:00", end="2030-10-15T22:00")
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed"
    assert event.start == start + datetime.timedelta(hours=1)
    assert event.sequence == 1


def test_publish_is_a_post(org, client_as_admin):
    draft = DraftEventFactory(org=org)
    url = f"/orgs/{org.slug}/admin/events/{draft.pk}/publish/"
    assert client_as_admin.get(url).status_code == 405
    client_as_admin.post(url)
    draft.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED


def test_cancel_asks_then_cancels_with_a_message(org, client_as_admin, event):
    url = f"/orgs/{org.slug}/admin/events/{event.pk}/cancel/"
    assert b"Cancel this event?" in client_as_admin.get(url).content
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED  # GET changed nothing
    response = client_as_admin.post(url, {"message": "The venue flooded."})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED


def test_cancelling_a_past_event_is_refused_with_a_message(org, client_as_admin):
    past = PastEventFactory(org=org)
    response = client_as_admin.post(f"/orgs/{org.slug}/admin/events/{past.pk}/cancel/", follow=True)
    assert "it can no longer be cancelled" in response.content.decode()
    past.refresh_from_db()
    assert past.status == Event.Status.PUBLISHED


def test_duplicate_weekly_makes_separate_events(org, client_as_admin, event):
    url = f"/orgs/{org.slug}/admin/events/{event.pk}/duplicate/"
    assert client_as_admin.get(url).status_code == 200
    response = client_as_admin.post(
        url, {"first_start": "2030-11-05T19:00", "repeat": "weekly", "count": "4"}
    )
    assert response.status_code == 302
    copies = Event.objects.filter(org=org).exclude(pk=event.pk).order_by("start")
    assert copies.count() == 4
    assert {c.status for c in copies} == {Event.Status.DRAFT}
    assert [c.start.day for c in copies] == [5, 12, 19, 26]


def test_duplicate_refuses_too_many_copies(org, client_as_admin, event):
    response = client_as_admin.post(
        f"/orgs/{org.slug}/admin/events/{event.pk}/duplicate/",
        {"first_start": "2030-11-05T19:00", "repeat": "weekly", "count": "60"},
    )
    assert response.status_code == 400
    assert Event.objects.count() == 1


def test_admin_cannot_reach_another_orgs_event(org, client_as_admin):
    other = EventFactory()
    for action in ("edit", "cancel", "duplicate"):
        assert (
            client_as_admin.get(f"/orgs/{org.slug}/admin/events/{other.pk}/{action}/").status_code
            == 404
        )
    assert (
        client_as_admin.post(f"/orgs/{org.slug}/admin/events/{other.pk}/publish/").status_code
        == 404
    )


def test_members_and_outsiders_get_404_and_visitors_a_login(org, client, client_as_member, event):
    url = f"/orgs/{org.slug}/admin/events/"
    assert client_as_member.get(url).status_code == 404
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_django_admin_lists_events_and_sync_logs(admin_client, event):
    assert (
        admin_client.get(
            "/admin/events/event/?status__exact=published&source__exact=manual"
        ).status_code
        == 200
    )
    assert admin_client.get("/admin/events/event/?when=upcoming").status_code == 200
    assert admin_client.get(f"/admin/events/event/{event.pk}/change/").status_code == 200
    assert admin_client.get("/admin/events/synclog/").status_code == 200


def test_django_admin_cancel_action_goes_through_the_service(admin_client, event):
    admin_client.post(
        "/admin/events/event/", {"action": "cancel_events", "_selected_action": [event.pk]}
    )
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert event.sequence == 1
    assert timezone.now() - event.cancelled_at < datetime.timedelta(minutes=1)


def test_a_synced_event_shows_read_only_details_and_takes_a_new_type(org, client_as_admin):
    event = EventFactory(org=org, source=Event.Source.LUMA, external_id="evt-x", title="From lu.ma")
    url = f"/orgs/{org.slug}/admin/events/{event.pk}/edit/"
    page = client_as_admin.get(url).content.decode()
    assert "This event comes from lu.ma" in page
    assert 'name="title"' in page
    assert "disabled" in page
    response = client_as_admin.post(url, form_data(title="Hacked title", event_type="workshop"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.event_type) == ("From lu.ma", "workshop")
