"""RSVP journey (issue #4): capacity 1, a waitlist, a promotion, a calendar download.

An admin creates the event through the events admin UI; member A takes the only
seat, member B joins the waitlist; A cancels and B is promoted (and told); B
downloads their calendar. Each person has their own browser context.
"""

import datetime

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from astn.notifications.models import Notification
from attendance.models import Attendance
from events.models import Event
from tests.browser.fixtures import open_as
from tests.factories.accounts import UserFactory
from tests.factories.attendance import RsvpEventFactory
from tests.factories.orgs import AdminMembershipFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def widget(page):
    return page.locator("section.astn-rsvp")


@pytest.fixture
def people(db):
    org = OrganizationFactory(name="Berlin Reading Circle", slug="berlin-reading-circle")
    maya = UserFactory(name="Maya Lindqvist", email="maya@example.org")
    ana = UserFactory(name="Ana Ahmed", email="ana@example.org")
    ben = UserFactory(name="Ben Brandt", email="ben@example.org")
    AdminMembershipFactory(org=org, user=maya)
    MembershipFactory(org=org, user=ana)
    MembershipFactory(org=org, user=ben)
    for user in (maya, ana, ben):
        user.profile.timezone = "Europe/Berlin"
        user.profile.save(update_fields=["timezone"])
    return org, maya, ana, ben


def test_capacity_one_waitlist_promotion_and_calendar(
    live_server, browser, screenshot, people, tmp_path
):
    org, maya, ana, ben = people
    day = (timezone.now() + datetime.timedelta(days=5)).strftime("%Y-%m-%d")

    # The admin creates a one-seat event in the events admin.
    admin_page = open_as(browser, live_server, maya)
    admin_page.goto(f"{live_server.url}/orgs/{org.slug}/admin/events/new/")
    admin_page.get_by_label("Title").fill("Workshop: close reading of Middlemarch")
    admin_page.get_by_label("Starts").fill(f"{day}T19:00")
    admin_page.get_by_label("Ends").fill(f"{day}T21:00")
    admin_page.get_by_label("Time zone").select_option("Europe/Berlin")
    admin_page.get_by_label("Location").fill("Café Kafka, Oranienstraße 1, Berlin")
    admin_page.get_by_label("Capacity").fill("1")
    screenshot("rsvp-01-admin-creates-event", admin_page)
    admin_page.get_by_role("button", name="Publish").click()
    admin_page.wait_for_url(f"**/orgs/{org.slug}/admin/events/**")
    event = Event.objects.get(title="Workshop: close reading of Middlemarch")
    assert (event.capacity, event.status) == (1, "published")
    event_url = live_server.url + event.get_absolute_url()

    # Member A takes the only seat, in one click (htmx swaps the widget).
    ana_page = open_as(browser, live_server, ana)
    ana_page.goto(event_url)
    screenshot("rsvp-02-member-a-before", ana_page)
    widget(ana_page).get_by_role("button", name="Going").click()
    ana_page.wait_for_selector('section.astn-rsvp[data-rsvp="going"]')
    assert "1 / 1 going" in widget(ana_page).inner_text()
    screenshot("rsvp-03-member-a-going", ana_page)

    # Member B finds it full and joins the waitlist.
    ben_page = open_as(browser, live_server, ben)
    ben_page.goto(event_url)
    widget(ben_page).get_by_role("button", name="Join waitlist").click()
    ben_page.wait_for_selector('section.astn-rsvp[data-rsvp="waitlisted"]')
    assert "number 1 on the waitlist" in widget(ben_page).inner_text()
    screenshot("rsvp-04-member-b-waitlisted", ben_page)

    # A can't make it after all; the seat goes to B.
    widget(ana_page).get_by_role("button", name="Can't go").click()
    ana_page.wait_for_selector('section.astn-rsvp[data-rsvp="not_going"]')
    screenshot("rsvp-05-member-a-cancels", ana_page)

    assert Attendance.objects.get(event=event, membership__user=ben).rsvp == "going"
    assert Notification.objects.filter(user=ben, kind="event.waitlist_promoted").exists()
    assert [m.subject for m in mail.outbox if ben.email in m.to] == [
        "You have a seat at Workshop: close reading of Middlemarch"
    ]
    ben_page.reload()
    ben_page.wait_for_selector('section.astn-rsvp[data-rsvp="going"]')
    screenshot("rsvp-06-member-b-promoted", ben_page)
    ben_page.goto(live_server.url + "/notifications/")
    assert ben_page.get_by_text("You have a seat at Workshop").first.is_visible()
    screenshot("rsvp-06b-member-b-told", ben_page)

    # B downloads their calendar from "My calendar".
    ben_page.goto(live_server.url + "/me/calendar/")
    screenshot("rsvp-07-member-b-calendar", ben_page)
    with ben_page.expect_download() as download_info:
        ben_page.get_by_role("link", name="Download .ics").click()
    path = tmp_path / "mine.ics"
    download_info.value.save_as(path)
    (vevent,) = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Workshop: close reading of Middlemarch"
    assert str(vevent["UID"]) == event.ical_uid

    # And the single-event .ics from the event page.
    ben_page.goto(event_url)
    with ben_page.expect_download() as download_info:
        ben_page.get_by_role("link", name="Download .ics").click()
    single = tmp_path / "event.ics"
    download_info.value.save_as(single)
    assert icalendar.Calendar.from_ical(single.read_bytes()).walk("VEVENT")


def test_rsvp_works_without_javascript(live_server, browser, screenshot, people):
    org, _maya, ana, _ben = people
    event = RsvpEventFactory(org=org, title="Reading night: Middlemarch, part 2", capacity=10)
    page = open_as(browser, live_server, ana, java_script_enabled=False)

    page.goto(live_server.url + event.get_absolute_url())
    widget(page).get_by_role("button", name="Maybe").click()

    page.wait_for_selector('section.astn-rsvp[data-rsvp="maybe"]')
    assert page.get_by_text("Marked as maybe.").is_visible()
    screenshot("rsvp-08-no-js-maybe", page)
    assert Attendance.objects.get(event=event).rsvp == "maybe"
    page.context.close()


def test_a_visitor_joins_and_rsvps(live_server, browser, screenshot, people):
    org, *_ = people
    event = RsvpEventFactory(org=org, title="Open social: summer picnic")
    newcomer = UserFactory(name="Nia Newcomer", email="nia@example.org")

    page = open_as(browser, live_server, newcomer)
    page.goto(live_server.url + event.get_absolute_url())
    screenshot("rsvp-09-visitor-join-and-rsvp", page)
    widget(page).get_by_role("button", name="Join and RSVP").click()

    page.wait_for_selector('section.astn-rsvp[data-rsvp="going"]')
    assert "Welcome to Berlin Reading Circle!" in widget(page).inner_text()
    screenshot("rsvp-10-visitor-joined", page)
