"""Programs, insights and actions in a real browser (issue #14), with screenshots.

The admin creates a reading group with 3 sessions and "attend 2", enrols two members;
one member's attendance is recorded at two sessions (a self-report and an import) and the
enrollment completes by itself; the admin invites a recommended member to an upcoming
event from insights (the member gets the email; their RSVP shows as converted) and
creates an advocacy follow-up.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from astn.notifications.models import OutboundEmail
from attendance.services.answers import attendance_answer
from attendance.services.rsvp import rsvp_set
from crm.models import Enrollment, FollowUp
from crm.services.interests import interest_vectors_refresh, topic_vectors_refresh
from tests.attendance import import_files as F
from tests.attendance.after_event import ended_event, rsvp_of
from tests.attendance.imports_helpers import run
from tests.browser.fixtures import SCREENSHOTS, open_as
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory
from tests.factories.orgs import AdminMembershipFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        # Wide tables scroll inside their box; the page itself never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), (name, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_reading_group_completes_itself_and_insights_act(browser, live_server, settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path
    settings.EMBEDDINGS_BACKEND = "hashing"
    org = OrganizationFactory(name="Berlin Reading Circle", slug="berlin-reading-circle")
    maya = UserFactory(name="Maya Lindqvist", email="maya@example.org")
    AdminMembershipFactory(org=org, user=maya)
    jonas = UserFactory(name="Jonas Becker", email="jonas@example.org")
    grace = UserFactory(name="Grace Mensah", email="grace@example.org")
    lena = UserFactory(name="Lena Novak", email="lena@example.org")
    lena.profile.interests = "science fiction, Octavia Butler"
    lena.profile.save()
    for person in (jonas, grace, lena):
        MembershipFactory(org=org, user=person)
    sessions = [
        ended_event(org, hours_ago=3 + 24 * 7 * n, title=f"Kindred, part {3 - n}") for n in range(3)
    ]
    start = timezone.now() + datetime.timedelta(days=5)
    upcoming = EventFactory(
        org=org,
        title="Octavia Butler: Parable of the Sower",
        event_type="reading_group",
        description="Science fiction by Octavia Butler.",
        start=start,
        end=start + datetime.timedelta(hours=2),
    )
    interest_vectors_refresh(org=org)
    topic_vectors_refresh(events=[upcoming])  # the factory sends no publish signal

    page = open_as(browser, live_server, maya)
    base = f"{live_server.url}/orgs/{org.slug}/admin"
    page.goto(f"{base}/programs/")
    _shoot(page, "programs-empty")
    page.get_by_role("link", name="New program").first.click()
    page.get_by_label("Name").fill("Butler reading group")
    for session in sessions:
        page.get_by_label(session.title, exact=False).check()
    page.get_by_label("Sessions to attend").fill("2")
    page.get_by_role("button", name="Create program").click()
    page.wait_for_url("**/admin/programs/*/")
    page.get_by_label("Search members by name, email or company").fill("example.org")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Jonas Becker").check()
    page.get_by_label("Grace Mensah").check()
    page.get_by_role("button", name="Enrol selected").click()
    page.get_by_text("Enrolled 2 people.").wait_for()

    # Jonas: a self-report for one session, an import for another.
    attendance_answer(attendance=rsvp_of(sessions[0], user=jonas), attended=True, actor=jonas)
    [jonas_p] = [F.P("Jonas", "Becker", "jonas@example.org")]
    imp = run(org, maya, F.luma(checked_in=[jonas_p], approved=[]), event_id=sessions[1].pk)
    assert imp.status == "done", imp.error
    enrollment = Enrollment.objects.get(membership__user=jonas)
    assert enrollment.status == "completed"
    page.reload()
    page.get_by_role("button", name="Status of Jonas Becker: Completed. Change").wait_for()
    _shoot(page, "program-detail")

    page.goto(f"{base}/insights/")
    invite = page.locator(f"form[action$='/invite/{upcoming.pk}/']")
    invite.get_by_label("Lena Novak", exact=False).check()
    invite.get_by_role("button", name="Send invitations").click()
    page.get_by_text("Sent 1 invitation.").wait_for()
    email = OutboundEmail.objects.get(to="lena@example.org", category="invitations")
    assert "Octavia Butler" in str(email.context)

    rsvp_set(event=upcoming, user=lena, rsvp="going")
    page.reload()
    page.get_by_text("Parable of the Sower").first.wait_for()
    _shoot(page, "insights")

    page.locator("#leaderboard a[aria-label^='Follow up with Jonas']").click()
    page.get_by_label("Kind").select_option("advocacy")
    page.get_by_label("Note").fill("Ask Jonas to host the next reading group.")
    page.get_by_role("button", name="Save follow-up").click()
    page.get_by_text("Follow-up for Jonas Becker saved").wait_for()
    assert FollowUp.objects.get().kind == "advocacy"
    page.goto(f"{base}/follow-ups/")
    _shoot(page, "followups")
    page.context.close()

    member = open_as(browser, live_server, jonas)
    member.get_by_text("Your programs").wait_for()
    _shoot(member, "dashboard-programs")
    member.context.close()
