import datetime

import pytest
from django.test import Client
from django.utils import timezone

from events import extensions
from events.models import Event
from tests.factories.accounts import UserFactory
from tests.factories.events import (
    DraftEventFactory,
    EventFactory,
    OnlineEventFactory,
    PastEventFactory,
)
from tests.factories.orgs import MembershipFactory, OrganizationFactory


def test_org_events_page_lists_upcoming_and_past(client, org, django_assert_max_num_queries):
    EventFactory(org=org, title="Next week's reading")
    PastEventFactory(org=org, title="Last month's reading")
    DraftEventFactory(org=org, title="Secret draft")
    EventFactory(title="Another org's event")
    with django_assert_max_num_queries(8):
        response = client.get(f"/orgs/{org.slug}/events/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Next week&#x27;s reading" in content
    assert "Last month&#x27;s reading" in content
    assert "Secret draft" not in content
    assert "Another org" not in content


def test_org_events_page_paginates(client, org):
    for n in range(15):
        EventFactory(
            org=org, title=f"Session {n:02d}", start=timezone.now() + datetime.timedelta(days=n + 1)
        )
    first = client.get(f"/orgs/{org.slug}/events/").content.decode()
    second = client.get(f"/orgs/{org.slug}/events/?page=2").content.decode()
    assert "Session 00" in first
    assert "Session 14" not in first
    assert "Session 14" in second
    assert client.get(f"/orgs/{org.slug}/events/?page=nonsense").status_code == 200


def test_a_draft_is_404_for_everyone_but_the_org_admins(
    client, org, member, client_as_admin, client_as_member
):
    draft = DraftEventFactory(org=org)
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404
    assert client_as_member.get(url).status_code == 404
    assert client.get(url.rstrip("/") + ".ics").status_code == 404
    response = client_as_admin.get(url)
    assert response.status_code == 200
    assert b"Publish now" in response.content


def test_an_event_of_another_org_is_404_under_this_org(client, org):
    other = EventFactory()
    assert client.get(f"/orgs/{org.slug}/events/{other.pk}/").status_code == 404


def test_event_page_shows_times_in_the_viewers_zone_with_the_events_zone(org):
    start = datetime.datetime(2030, 6, 5, 17, 0, tzinfo=datetime.UTC)  # 19:00 in Berlin
    event = EventFactory(org=org, start=start, end=start + datetime.timedelta(hours=2))
    viewer = UserFactory()
    viewer.profile.timezone = "America/New_York"
    viewer.profile.save()
    client = Client()
    client.force_login(viewer)
    content = client.get(event.get_absolute_url()).content.decode()
    assert "13:00 – 15:00" in content  # New York, the viewer's zone
    assert "America/New_York" in content
    assert "19:00 – 21:00 CEST in Europe/Berlin" in content


def test_description_markdown_is_rendered_and_sanitised(client, org):
    event = EventFactory(
        org=org,
        description="**Bring** a book.\n\n<script>alert(1)</script>[x](javascript:alert(1))",
    )
    content = client.get(event.get_absolute_url()).content.decode()
    assert "<strong>Bring</strong>" in content
    assert "<script>alert(1)" not in content
    assert "javascript:alert" not in content


@pytest.fixture
def going_check():
    """Pretend (as attendance does) that users named 'Goer' are going."""

    def check(event, user):
        return user.name == "Goer"

    extensions.register_going_check(check)
    yield
    extensions._GOING_CHECKS.remove(check)


def test_the_online_link_is_shown_only_to_people_going(org, going_check):
    event = OnlineEventFactory(org=org)
    goer, other = UserFactory(name="Goer"), UserFactory(name="Not going")
    for person in (goer, other):
        MembershipFactory(org=org, user=person)
    as_goer, as_other = Client(), Client()
    as_goer.force_login(goer)
    as_other.force_login(other)
    assert event.virtual_link in as_goer.get(event.get_absolute_url()).content.decode()
    page = as_other.get(event.get_absolute_url()).content.decode()
    assert event.virtual_link not in page
    assert "shown to people who are going" in page
    assert event.virtual_link not in Client().get(event.get_absolute_url()).content.decode()
    # The same rule for the calendar file.
    assert (
        event.virtual_link.encode()
        in as_goer.get(f"/orgs/{org.slug}/events/{event.pk}.ics").content
    )
    assert (
        event.virtual_link.encode()
        not in as_other.get(f"/orgs/{org.slug}/events/{event.pk}.ics").content
    )


def test_event_page_offers_ics_and_google_calendar(client, event):
    content = client.get(event.get_absolute_url()).content.decode()
    assert f"/orgs/{event.org.slug}/events/{event.pk}.ics" in content
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in content


def test_my_events_lists_upcoming_events_of_all_my_orgs(member, org, client_as_member):
    second = OrganizationFactory(name="Second Hub")
    MembershipFactory(org=second, user=member)
    EventFactory(org=org, title="From the first org")
    EventFactory(org=second, title="From the second org")
    EventFactory(title="From a stranger org")
    DraftEventFactory(org=org, title="A draft")
    response = client_as_member.get("/events/")
    content = response.content.decode()
    assert "From the first org" in content
    assert "From the second org" in content
    assert "stranger" not in content
    assert "A draft" not in content


def test_my_events_needs_a_login(client):
    response = client.get("/events/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_my_events_without_orgs_suggests_joining_one(client_as_user):
    assert b"You are not in any org yet" in client_as_user.get("/events/").content


def test_dashboard_shows_upcoming_events_from_my_orgs(client_as_member, org):
    EventFactory(org=org, title="On the dashboard")
    content = client_as_member.get("/").content.decode()
    assert "Upcoming events from your orgs" in content
    assert "On the dashboard" in content


def test_org_page_shows_its_next_events(client, org):
    EventFactory(org=org, title="Next on the org page")
    content = client.get(f"/orgs/{org.slug}/").content.decode()
    assert "Upcoming events" in content
    assert "Next on the org page" in content


def test_cancelled_events_stay_visible_and_marked(client, org):
    event = EventFactory(org=org, status=Event.Status.CANCELLED, cancelled_at=timezone.now())
    assert b"This event is cancelled" in client.get(event.get_absolute_url()).content
