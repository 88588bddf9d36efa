"""Attendance imports (#11): upload the Zoom webinar report, preview, import, see who came.

Maya (admin of an online community) uploads the attendee report of last night's talk,
checks the preview, imports it and sees the counts; the check-in list of the talk shows
the attendees marked attended by the import. The same file again: nothing changes.
Then a big participants report runs in the background: the result page shows a live
progress bar until the worker (run here by the test, as Celery would) finishes.
Screenshots at 1280 and 390 px: var/screenshots/imports-*.png.
"""

from __future__ import annotations

import datetime
import threading
import zoneinfo

import pytest
from django.db import connection

from attendance.models import Attendance, AttendanceImport
from attendance.services.imports import import_run
from tests.attendance import import_files as F
from tests.attendance import zoom_files as Z
from tests.attendance.after_event import ended_event
from tests.browser.fixtures import SCREENSHOTS, open_as
from tests.factories.accounts import UserFactory
from tests.factories.orgs import AdminMembershipFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"imports-{name}.png"), full_page=True)


def both(page, name: str) -> None:
    shot(page, f"{name}-1280")
    page.set_viewport_size(PHONE)
    shot(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def setup(db, settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path / "uploads"
    org = OrganizationFactory(name="Effective Giving Online", slug="effective-giving-online")
    maya = UserFactory(name="Maya Lindqvist", email="maya@example.org")
    AdminMembershipFactory(org=org, user=maya)
    talk = ended_event(org, hours_ago=20, title="AI Safety Fundamentals: Talk", is_online=True)
    people = F.people(9)
    MembershipFactory(org=org, email=people[1].email, name=people[1].name, user=UserFactory())
    local = talk.start.astimezone(zoneinfo.ZoneInfo(talk.timezone)).replace(tzinfo=None)
    report = Z.zoom_webinar(
        start=local,
        title="AI Safety Fundamentals: Talk",
        panelists=[people[0]],
        attended=people[1:7],
        absent=people[7:],
        rejoin=people[3],
    )
    path = tmp_path / "81234567890_attendee_report.csv"
    path.write_bytes(report)
    return org, maya, talk, people, path


def upload(page, live_server, org, path) -> None:
    page.goto(f"{live_server.url}/orgs/{org.slug}/admin/imports/new/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Read the file").click()
    page.wait_for_url("**/preview/")


def test_admin_imports_a_zoom_webinar_report(live_server, browser, setup):
    org, maya, talk, people, path = setup
    page = open_as(browser, live_server, maya)

    page.goto(f"{live_server.url}/orgs/{org.slug}/admin/imports/")
    assert page.get_by_text("No imports yet").is_visible()
    both(page, "01-empty")

    upload(page, live_server, org, path)
    assert page.get_by_text("Zoom webinar attendee report").first.is_visible()
    assert page.get_by_text(talk.title).first.is_visible()  # matched to the org's event
    both(page, "02-preview")
    assert Attendance.objects.filter(event=talk).count() == 0  # nothing written yet

    page.get_by_role("button", name="Import 9 people").click()
    page.wait_for_url("**/imports/*/")
    assert page.get_by_text("Imported: 7 attendances recorded for 9 people").is_visible()
    both(page, "03-result")

    page.get_by_role("link", name=talk.title).click()
    page.wait_for_url("**/checkin/")
    both(page, "04-checkin")

    def row_of(person):
        a = Attendance.objects.get(event=talk, membership__email=person.email)
        return page.locator(f"#checkin-{a.pk}")

    row = row_of(people[1])
    assert row.locator(".badge:visible", has_text="Yes").count() == 1
    assert row.locator(":visible", has_text="Attendance import").count() >= 1
    absent = row_of(people[7])
    assert absent.locator(".badge:visible", has_text="No-show").count() == 1

    # The same file again: the preview says so, and importing changes nothing.
    upload(page, live_server, org, path)
    assert page.get_by_text("You imported this very file").is_visible()
    page.get_by_role("button", name="Import 9 people").click()
    page.wait_for_url("**/imports/*/")
    assert page.get_by_text("Nothing changed").is_visible()
    both(page, "05-same-file")
    assert AttendanceImport.objects.filter(status="done").count() == 2


def test_reading_a_file_says_so_and_cannot_be_pressed_twice(live_server, browser, setup):
    """A 20 MB file takes seconds to read: the button says what is happening meanwhile."""
    org, maya, _talk, _people, path = setup
    page = open_as(browser, live_server, maya)
    page.goto(f"{live_server.url}/orgs/{org.slug}/admin/imports/new/")
    page.set_input_files("input[type=file]", str(path))
    # Hold the form on this page, to look at the button while the request would run.
    page.evaluate(
        "document.querySelector('form[enctype]')"
        ".addEventListener('submit', (event) => event.preventDefault())"
    )
    page.get_by_role("button", name="Read the file").click()
    busy = page.get_by_role("button", name="Reading the file…")
    busy.wait_for()
    assert busy.is_disabled()
    assert AttendanceImport.objects.count() == 0


def test_a_big_file_shows_progress_until_the_worker_is_done(live_server, browser, setup):
    org, maya = setup[0], setup[1]
    from astn.celery import app

    start = datetime.datetime(2024, 3, 4, 18, 0)
    crowd = F.people(2200, domain="crowd.example")
    big = Z.zoom_meeting(
        [
            {
                "id": "812 9999 0000",
                "topic": "Open office hours",
                "start": start,
                "minutes": 60,
                "joins": [
                    (p, start, start + datetime.timedelta(minutes=5 + i % 50))
                    for i, p in enumerate(crowd)
                ],
            }
        ]
    )
    path = setup[4].with_name("zoom_participants.csv")
    path.write_bytes(big)
    page = open_as(browser, live_server, maya)
    upload(page, live_server, org, path)
    # No worker in tests: hold the task (Celery's in-memory broker) and run it ourselves.
    old = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager, app.conf.broker_url = False, "memory://"
    try:
        page.get_by_role("button", name="Import 2200 people").click()
        page.wait_for_url("**/imports/*/")
    finally:
        app.conf.task_always_eager, app.conf.broker_url = old
    imp = AttendanceImport.objects.get(file_name="zoom_participants.csv")
    assert page.get_by_role("progressbar").is_visible()
    assert page.get_by_text("Waiting for a worker").is_visible()
    both(page, "06-progress")

    def work() -> None:
        """The worker's run, on its own thread; its database connection closed after (an
        open one kept the test database from being dropped at the end of the run)."""
        try:
            import_run(import_id=imp.pk)
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    page.get_by_text("attendances recorded for 2200 people").wait_for(timeout=15_000)
    both(page, "07-big-done")
