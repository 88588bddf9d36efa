"""Event admin and member pages in a real browser (issue #4), with screenshots.

The capacity/waitlist journey on top of this lives in test_rsvp_journey.py.
"""

import datetime

import pytest
from django.utils import timezone

from events.models import Event, SyncLog
from tests.browser.fixtures import SCREENSHOTS, open_as
from tests.factories.accounts import UserFactory
from tests.factories.events import (
    DraftEventFactory,
    EventFactory,
    OnlineEventFactory,
    PastEventFactory,
)
from tests.factories.orgs import AdminMembershipFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def circle(db):
    org = OrganizationFactory(name="Berlin Reading Circle", slug="berlin-reading-circle")
    maya = UserFactory(name="Maya Lindqvist", email="maya@example.org")
    jonas = UserFactory(name="Jonas Becker", email="jonas@example.org")
    AdminMembershipFactory(org=org, user=maya)
    MembershipFactory(org=org, user=jonas)
    maya.profile.timezone = "Europe/Berlin"
    maya.profile.save(update_fields=["timezone"])
    jonas.profile.timezone = "Europe/London"
    jonas.profile.save(update_fields=["timezone"])
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    EventFactory(
        org=org,
        title="Octavia Butler: Kindred",
        event_type="reading_group",
        start=now + datetime.timedelta(days=3, hours=2),
        end=now + datetime.timedelta(days=3, hours=4),
        capacity=12,
        description=(
            "This time we read **Kindred**.\n\n"
            "- Read as much as you like; spoilers are fine after the first hour.\n"
            "- Newcomers welcome.\n\nTea is on us. Details on [the book](https://example.org/kindred)."
        ),
    )
    OnlineEventFactory(
        org=org,
        title="Online reading: Borges, Ficciones",
        event_type="reading_group",
        start=now + datetime.timedelta(days=10),
        end=now + datetime.timedelta(days=10, hours=1),
    )
    EventFactory(
        org=org,
        title="Writing workshop: short fiction",
        event_type="workshop",
        start=now + datetime.timedelta(days=17),
        end=now + datetime.timedelta(days=17, hours=3),
        source=Event.Source.LUMA,
        external_id="evt-demo1",
        external_url="https://lu.ma/short-fiction",
    )
    DraftEventFactory(
        org=org,
        title="Winter book swap",
        start=now + datetime.timedelta(days=40),
        end=now + datetime.timedelta(days=40, hours=2),
    )
    EventFactory(
        org=org, title="Author talk (rescheduled)", status=Event.Status.CANCELLED, event_type="talk"
    )
    PastEventFactory(
        org=org, title="Ursula K. Le Guin: The Dispossessed", event_type="reading_group"
    )
    SyncLog.objects.create(
        org=org, source="luma", ok=True, created=3, updated=1, finished_at=timezone.now()
    )
    SyncLog.objects.create(
        org=org, source="ical", ok=False, error="The server answered 404, not the feed."
    )
    return org, maya, jonas


def test_admin_creates_duplicates_and_cancels_events(live_server, browser, screenshot, circle):
    org, maya, _jonas = circle
    page = open_as(browser, live_server, maya)

    page.goto(f"{live_server.url}/orgs/{org.slug}/admin/events/")
    assert page.get_by_role("link", name="Octavia Butler: Kindred").is_visible()
    screenshot("events-01-admin-list", page)
    page.get_by_role("link", name="Drafts").click()
    assert page.get_by_role("link", name="Winter book swap").is_visible()

    # Create: a mistake first (the end before the start), then a clear message.
    page.goto(f"{live_server.url}/orgs/{org.slug}/admin/events/new/")
    day = (timezone.now() + datetime.timedelta(days=6)).strftime("%Y-%m-%d")
    page.get_by_label("Title").fill("Poetry evening")
    page.get_by_label("Type").select_option("social")
    page.get_by_label("Starts").fill(f"{day}T19:00")
    page.get_by_label("Ends").fill(f"{day}T18:00")
    page.get_by_label("Location").fill("Café Kafka, Oranienstraße 1, Berlin")
    page.get_by_label("Capacity").fill("1")
    page.get_by_label("Description").fill("Bring a poem you love.")
    screenshot("events-02-admin-form", page)
    page.get_by_role("button", name="Publish").click()
    assert page.get_by_text("The event must end after it starts.").is_visible()
    screenshot("events-03-admin-form-error", page)
    page.get_by_label("Ends").fill(f"{day}T21:00")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(f"**/orgs/{org.slug}/admin/events/")
    event = Event.objects.get(title="Poetry evening")
    assert (event.capacity, event.status, event.timezone) == (1, "published", "Europe/Berlin")
    assert event.start.astimezone(datetime.UTC).hour in (17, 18)  # 19:00 Berlin

    # Duplicate it weekly, three times, as drafts.
    page.goto(f"{live_server.url}/orgs/{org.slug}/admin/events/{event.pk}/duplicate/")
    page.get_by_label("Repeat").select_option("weekly")
    page.get_by_label("Number of copies").fill("3")
    screenshot("events-04-admin-duplicate", page)
    page.get_by_role("button", name="Create copies").click()
    page.wait_for_url("**/admin/events/?status=draft")
    assert Event.objects.filter(title="Poetry evening", status="draft").count() == 3

    # Cancel: GET asks, POST does it.
    page.goto(f"{live_server.url}/orgs/{org.slug}/admin/events/{event.pk}/cancel/")
    page.get_by_label("Message to the people who RSVPed (optional)").fill(
        "The café is closed that night."
    )
    screenshot("events-05-admin-cancel", page)
    page.get_by_role("button", name="Cancel the event").click()
    page.wait_for_url("**/admin/events/?status=cancelled")
    event.refresh_from_db()
    assert event.status == "cancelled"

    page.goto(f"{live_server.url}/orgs/{org.slug}/admin/settings/#calendar")
    section = page.locator("#calendar")
    assert section.get_by_text("Last feed import failed").is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(SCREENSHOTS / "events-06-settings-calendar.png"))


def test_member_pages(live_server, browser, screenshot, circle):
    org, _maya, jonas = circle
    page = open_as(browser, live_server, jonas)
    screenshot("events-07-dashboard", page)
    assert page.get_by_text("Upcoming events from your orgs").is_visible()

    page.goto(f"{live_server.url}/orgs/{org.slug}/events/")
    assert page.get_by_role("link", name="Octavia Butler: Kindred").is_visible()
    assert not page.get_by_text("Winter book swap").count()
    screenshot("events-08-org-events", page)

    page.get_by_role("link", name="Octavia Butler: Kindred").click()
    assert page.get_by_role("heading", name="Octavia Butler: Kindred").is_visible()
    # Jonas lives in London: his time first, the event's Berlin time alongside.
    assert page.get_by_text("your time (Europe/London)").is_visible()
    assert page.get_by_text("in Europe/Berlin, the event’s time zone").is_visible()
    screenshot("events-09-event-detail-member", page)

    page.goto(f"{live_server.url}/events/")
    assert page.get_by_role("link", name="Online reading: Borges, Ficciones").is_visible()
    screenshot("events-10-my-events", page)

    page.goto(f"{live_server.url}/orgs/{org.slug}/")
    assert page.get_by_role("heading", name="Upcoming events").is_visible()
    screenshot("events-11-org-page-panel", page)
