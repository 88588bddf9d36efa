"""After the event (issue #6): the prompt email, one tap, feedback, the check-in list.

An event ended three hours ago; the prompt job runs; Ana opens the "Yes" link from
her email in a browser that is *not* logged in, confirms, gives 5 stars and a
comment; Maya (the admin) sees her as attended with the rating on the check-in
list. Ben answers from his dashboard card instead (htmx).
"""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from attendance.models import Attendance
from tests.attendance.after_event import ended_event, rsvp_of
from tests.browser.test_rsvp_journey import open_as
from tests.factories.accounts import UserFactory
from tests.factories.orgs import AdminMembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(db):
    org = OrganizationFactory(name="Berlin Reading Circle", slug="berlin-reading-circle")
    maya = UserFactory(name="Maya Lindqvist", email="maya@example.org")
    ana = UserFactory(name="Ana Ahmed", email="ana@example.org")
    ben = UserFactory(name="Ben Brandt", email="ben@example.org")
    AdminMembershipFactory(org=org, user=maya)
    for user in (maya, ana, ben):
        user.profile.timezone = "Europe/Berlin"
        user.profile.save(update_fields=["timezone"])
    return org, maya, ana, ben


def link_from(message, answer: str, live_server) -> str:
    (url,) = re.findall(rf"(https?://\S+/a/[^/\s]+/\?answer={answer})", message.body)
    return url.replace(settings.SITE_URL, live_server.url)


def test_member_answers_from_the_email_and_the_admin_sees_it(
    live_server, browser, page, screenshot, people
):
    org, maya, ana, ben = people
    now = timezone.now()
    event = ended_event(org, hours_ago=3, now=now, title="Reading night: Middlemarch, part 3")
    ana_rsvp = rsvp_of(event, user=ana)
    ben_rsvp = rsvp_of(event, user=ben, rsvp="maybe")
    rsvp_of(event, user=UserFactory(name="Chloé Charpentier"))

    # The job runs (as beat would, every 10 minutes) and emails everyone who RSVPed.
    call_command("run_job", "attendance_prompts")
    (email,) = [m for m in mail.outbox if m.to == [ana.email]]
    assert email.subject == "Did you attend Reading night: Middlemarch, part 3?"
    page.set_content(email.alternatives[0][0])
    screenshot("attendance-01-prompt-email", page)

    # Ana taps "Yes" in her inbox: a browser without any login opens the page.
    page.goto(link_from(email, "yes", live_server))
    assert page.get_by_role("heading", name="Did you attend Reading night").is_visible()
    screenshot("attendance-02-confirm-yes", page)
    assert Attendance.objects.get(pk=ana_rsvp.pk).attended is None  # opening changed nothing

    page.get_by_role("button", name="Yes, I was there").click()
    page.get_by_text("Glad you made it").wait_for()
    screenshot("attendance-03-thanks-and-feedback", page)
    page.get_by_title("5 stars", exact=True).click()  # the star a person taps
    page.get_by_label("Anything the organisers should know?").fill(
        "Lovely discussion about Dorothea. More tea next time!"
    )
    page.get_by_role("button", name="Send feedback").click()
    page.get_by_text("Thank you for the feedback").wait_for()
    screenshot("attendance-04-feedback-saved", page)
    ana_rsvp.refresh_from_db()
    assert (ana_rsvp.attended, ana_rsvp.attended_source, ana_rsvp.rating) == (True, "self", 5)

    # Ben answers from his dashboard card, in place.
    ben_page = open_as(browser, live_server, ben)
    card = ben_page.locator(f"#answer-card-{ben_rsvp.pk}")
    card.wait_for()
    screenshot("attendance-05-dashboard-card", ben_page)
    card.get_by_role("button", name="No, I couldn't make it").click()
    ben_page.locator(f"#answer-card-{ben_rsvp.pk}").get_by_text("You couldn't make it").wait_for()
    screenshot("attendance-06-dashboard-answered", ben_page)
    assert Attendance.objects.get(pk=ben_rsvp.pk).attended is False
    ben_page.goto(live_server.url + "/me/attendance/")
    screenshot("attendance-07-my-attendance", ben_page)

    # Maya opens the check-in list from the event page.
    maya_page = open_as(browser, live_server, maya)
    maya_page.goto(live_server.url + event.get_absolute_url())
    maya_page.get_by_role("link", name="Open the check-in list").click()
    row = maya_page.locator(f"#checkin-{ana_rsvp.pk}")
    assert "Yes" in row.inner_text()
    assert row.locator(".astn-rating[title='5 of 5 stars']").is_visible()
    assert maya_page.get_by_text("Lovely discussion about Dorothea").is_visible()
    screenshot("attendance-08-checkin-list", maya_page)

    # She marks the one nobody heard from and adds a walk-in.
    maya_page.locator("tr", has_text="Chloé Charpentier").get_by_role(
        "button", name="Mark Chloé Charpentier attended"
    ).click()
    maya_page.get_by_text("Marked 1 person attended.").wait_for()
    maya_page.get_by_label("Email").fill("walk-in@example")
    maya_page.get_by_role("button", name="Check in").click()
    maya_page.get_by_text("is not an email address").wait_for()
    screenshot("attendance-09-walk-in-error", maya_page)
    maya_page.get_by_label("Email").fill("dana@example.org")
    maya_page.get_by_label("Name (optional)").fill("Dana Dorn")
    maya_page.get_by_role("button", name="Check in").click()
    maya_page.get_by_text("Checked in Dana Dorn").wait_for()
    screenshot("attendance-10-checkin-done", maya_page)
    assert Attendance.objects.filter(event=event, attended=True).count() == 3


def test_second_prompt_after_remind_me_later(live_server, page, screenshot, people):
    org, _maya, ana, _ben = people
    event = ended_event(org, hours_ago=3, now=timezone.now(), title="Poetry slam")
    attendance = rsvp_of(event, user=ana)
    call_command("run_job", "attendance_prompts")
    (email,) = mail.outbox

    page.goto(link_from(email, "later", live_server))
    page.get_by_role("button", name="Remind me tomorrow").click()
    page.get_by_text("we'll ask you again tomorrow").wait_for()
    screenshot("attendance-11-remind-later", page)
    attendance.refresh_from_db()
    assert attendance.remind_after > timezone.now() + datetime.timedelta(hours=23)
