"""Program pages: the happy path, and every bad input answered without a 500 (#14)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from crm.models import Enrollment, ExportLog, Program, ProgramSession
from tests.crm.test_export import reauthenticate
from tests.factories.events import EventFactory
from tests.factories.orgs import MembershipFactory, OrganizationFactory
from tests.factories.programs import EnrollmentFactory, ProgramFactory, ProgramSessionFactory

pytestmark = pytest.mark.django_db


def _url(name, org, **kwargs):
    return reverse(f"crm:{name}", kwargs={"slug": org.slug, **kwargs})


def _form(events, **overrides):
    data = {
        "name": "Superintelligence reading group",
        "kind": "reading_group",
        "completion_rule": "attend_n",
        "required_sessions": "2",
        "sessions": [e.pk for e in events],
    }
    data.update(overrides)
    return data


def test_admin_creates_a_program_with_sessions(client_as_admin, org):
    events = EventFactory.create_batch(3, org=org)
    response = client_as_admin.post(_url("program-create", org), _form(events))
    program = Program.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{program.pk}/")
    assert program.sessions.count() == 3
    page = client_as_admin.get(response["Location"]).content.decode()
    assert "Completes after <strong>2</strong> of 3 sessions" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"required_sessions": "0"}, "at least 1"),
        ({"required_sessions": "4"}, "asks for 4 sessions but the program has 3"),
        ({"required_sessions": "-1"}, "greater than or equal to 0"),
        ({"name": "   "}, "required"),
        ({"kind": "party"}, "Select a valid choice"),
        ({"starts_on": "2026-05-01", "ends_on": "2026-04-01"}, "cannot end before it starts"),
    ],
)
def test_bad_program_input_is_explained(client_as_admin, org, overrides, message):
    events = EventFactory.create_batch(3, org=org)
    response = client_as_admin.post(_url("program-create", org), _form(events, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Program.objects.exists()


def test_another_orgs_event_as_a_session_is_refused(client_as_admin, org):
    foreign = EventFactory(org=OrganizationFactory())
    response = client_as_admin.post(
        _url("program-create", org), _form([foreign], required_sessions="1")
    )
    assert response.status_code == 400
    assert not Program.objects.exists()
    program = ProgramFactory(org=org)
    response = client_as_admin.post(
        _url("program-link", org, program_id=program.pk), {"events": [foreign.pk]}
    )
    assert response.status_code == 404
    assert not ProgramSession.objects.exists()


def test_link_and_unlink_sessions(client_as_admin, org):
    program = ProgramFactory(org=org, required_sessions=1)
    events = EventFactory.create_batch(2, org=org)
    client_as_admin.post(
        _url("program-link", org, program_id=program.pk), {"events": [e.pk for e in events]}
    )
    assert program.sessions.count() == 2
    response = client_as_admin.post(
        _url("program-unlink", org, program_id=program.pk, event_id=events[0].pk), follow=True
    )
    assert "no longer a session" in response.content.decode()
    response = client_as_admin.post(
        _url("program-unlink", org, program_id=program.pk, event_id=events[1].pk), follow=True
    )
    assert "Lower the rule first" in response.content.decode()
    assert program.sessions.count() == 1


def test_enrolling_another_orgs_member_is_a_404(client_as_admin, org):
    program = ProgramFactory(org=org)
    foreign = MembershipFactory(org=OrganizationFactory())
    url = _url("program-enroll", org, program_id=program.pk)
    assert client_as_admin.post(url, {"membership": [foreign.pk]}).status_code == 404
    assert client_as_admin.post(url, {"membership": ["abc"]}, follow=True).status_code == 200
    assert not Enrollment.objects.exists()


def test_enrol_from_search(client_as_admin, org):
    program = ProgramFactory(org=org)
    person = MembershipFactory(org=org, name="Grace Hopper", user=None, email="grace@navy.example")
    page = client_as_admin.get(_url("program-detail", org, program_id=program.pk) + "?q=grace")
    assert "Grace Hopper" in page.content.decode()
    response = client_as_admin.post(
        _url("program-enroll", org, program_id=program.pk), {"membership": [person.pk]}, follow=True
    )
    assert "Enrolled 1 person." in response.content.decode()


def test_enrol_search_survives_nul_characters(client_as_admin, org):
    """Postgres refuses NUL in a string: the search drops it rather than failing the page."""
    program = ProgramFactory(org=org)
    MembershipFactory(org=org, name="Grace Hopper", user=None, email="grace@navy.example")
    url = _url("program-detail", org, program_id=program.pk)
    page = client_as_admin.get(url + "?q=gra%00ce")
    assert page.status_code == 200
    assert "Grace Hopper" in page.content.decode()


def test_override_needs_a_reason(client_as_admin, org):
    enrollment = EnrollmentFactory(program=ProgramFactory(org=org))
    url = _url(
        "enrollment-status", org, program_id=enrollment.program_id, enrollment_id=enrollment.pk
    )
    response = client_as_admin.post(url, {"status": "completed", "reason": ""}, follow=True)
    assert "Give a reason" in response.content.decode()
    client_as_admin.post(url, {"status": "completed", "reason": "Wrote the summary"})
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.status_reason) == ("completed", "Wrote the summary")


def test_archive_hides_and_keeps(client_as_admin, org):
    program = ProgramFactory(org=org)
    EnrollmentFactory(program=program)
    client_as_admin.post(_url("program-archive", org, program_id=program.pk), follow=True)
    listing = client_as_admin.get(_url("program-list", org)).content.decode()
    assert program.name not in listing
    archived = client_as_admin.get(_url("program-list", org) + "?status=archived").content.decode()
    assert program.name in archived
    assert program.enrollments.count() == 1


def test_export_asks_for_the_password_again_and_get_writes_nothing(client_as_admin, org, password):
    """Names and emails leave ASTN: the same gate as the member export, and no audit row
    written by a GET (found by tests/core/test_get_writes_nothing.py)."""
    session = ProgramSessionFactory(program__org=org)
    url = _url("program-export", org, program_id=session.program_id)
    assert client_as_admin.get(url).status_code == 405
    response = client_as_admin.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not ExportLog.objects.exists()
    # allauth keeps the suspended POST and replays it once the password is given.
    response = client_as_admin.post(
        "/accounts/reauthenticate/", {"password": password, "next": url}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert ExportLog.objects.count() == 1


def test_export_is_a_csv_with_formulas_neutralised_and_logged(
    client_as_admin, org, admin, password
):
    session = ProgramSessionFactory(program__org=org)
    person = MembershipFactory(org=org, user=None, name="=HYPERLINK(1)", email="x@example.net")
    EnrollmentFactory(program=session.program, membership=person)
    reauthenticate(client_as_admin, password)
    response = client_as_admin.post(_url("program-export", org, program_id=session.program_id))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[-1][0] == "Attended per session"
    log = ExportLog.objects.get()
    assert (log.user, log.row_count, log.filters) == (admin, 1, {"program": session.program_id})


def test_member_asks_to_join_from_the_org_page(client_as_member, org, member):
    program = ProgramFactory(org=org, open_for_requests=True, name="Fellowship 2027")
    page = client_as_member.get(org.get_absolute_url()).content.decode()
    assert "Fellowship 2027" in page
    assert "Ask to join" in page
    response = client_as_member.post(
        reverse("crm:program-request", kwargs={"slug": org.slug, "program_id": program.pk}),
        follow=True,
    )
    assert "You asked to join" in response.content.decode()
    assert Enrollment.objects.get().status == "requested"


def test_request_to_an_archived_program_is_refused(client_as_member, org):
    program = ProgramFactory(org=org, open_for_requests=True, status="archived")
    response = client_as_member.post(
        reverse("crm:program-request", kwargs={"slug": org.slug, "program_id": program.pk}),
        follow=True,
    )
    assert "archived" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_dashboard_shows_my_programs(client_as_member, org, member):
    program = ProgramFactory(
        org=org, name="Alignment fellowship", sessions=EventFactory.create_batch(3, org=org)
    )
    EnrollmentFactory(program=program, membership=member.memberships.get())
    page = client_as_member.get("/").content.decode()
    assert "Your programs" in page
    assert "Alignment fellowship" in page
    assert "0 of 2 sessions needed attended" in page


def test_my_attendance_page_shows_my_programs_with_progress(client_as_member, org, member):
    from tests.factories.attendance import AttendanceFactory
    from tests.factories.events import PastEventFactory

    sessions = PastEventFactory.create_batch(3, org=org)
    program = ProgramFactory(org=org, name="Alignment fellowship", sessions=sessions)
    membership = member.memberships.get()
    EnrollmentFactory(program=program, membership=membership)
    AttendanceFactory(
        event=sessions[0], membership=membership, attended=True, attended_source="admin"
    )
    ProgramFactory(org=org, name="Someone else's course")

    page = client_as_member.get(reverse("attendance:history")).content.decode()

    assert "Your programs" in page
    assert "Alignment fellowship" in page
    assert "1 of 2 sessions needed attended" in page
    assert "Someone else" not in page


def test_my_attendance_page_has_no_programs_panel_without_programs(client_as_member):
    page = client_as_member.get(reverse("attendance:history")).content.decode()
    assert "Your programs" not in page
