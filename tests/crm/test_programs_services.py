"""Programs: rules, enrolment, requests, overrides and automatic completion (#14)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from attendance.models import Attendance
from attendance.services.answers import attendance_answer
from attendance.services.checkin import checkin_mark
from crm.models import Enrollment, Program
from crm.services import programs as services
from crm.services.programs import ProgramError
from engagement.models import Activity
from tests.attendance.after_event import ended_event, rsvp_of
from tests.factories.events import EventFactory
from tests.factories.orgs import MembershipFactory, OrganizationFactory
from tests.factories.programs import EnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _create(org, admin, sessions, **values):
    defaults = {"name": "Superintelligence reading group", "required_sessions": 2}
    return services.program_create(
        org=org, acting_user=admin, sessions=sessions, **{**defaults, **values}
    )


def test_create_links_sessions_and_keeps_the_rule(org, admin):
    events = EventFactory.create_batch(3, org=org)
    program = _create(org, admin, events)
    assert set(program.sessions.all()) == set(events)
    assert (program.completion_rule, program.required_sessions) == ("attend_n", 2)
    assert program.created_by == admin


@pytest.mark.parametrize("required", [0, None, 4])
def test_rule_of_zero_or_more_than_the_sessions_is_refused(org, admin, required):
    events = EventFactory.create_batch(3, org=org)
    with pytest.raises(ProgramError) as error:
        _create(org, admin, events, required_sessions=required)
    assert error.value.field == "required_sessions"
    assert not Program.objects.exists()


def test_manual_rule_needs_no_sessions(org, admin):
    program = _create(org, admin, [], completion_rule="manual", required_sessions=5)
    assert program.required_sessions is None


def test_event_of_another_org_cannot_be_a_session(org, admin):
    foreign = EventFactory(org=OrganizationFactory())
    with pytest.raises(ProgramError, match="events of this organisation"):
        _create(org, admin, [foreign, EventFactory(org=org)], required_sessions=1)
    assert not Program.objects.exists()


def test_end_before_start_is_refused(org, admin):
    with pytest.raises(ProgramError) as error:
        _create(
            org,
            admin,
            [EventFactory(org=org)],
            required_sessions=1,
            starts_on=datetime.date(2026, 5, 1),
            ends_on=datetime.date(2026, 4, 1),
        )
    assert error.value.field == "ends_on"


def test_unlinking_below_the_rule_is_refused_and_keeps_the_session(org, admin):
    events = EventFactory.create_batch(2, org=org)
    program = _create(org, admin, events)
    with pytest.raises(ProgramError, match="Lower the rule first"):
        services.program_session_unlink(program=program, event=events[0])
    assert program.sessions.count() == 2


def test_enrol_records_activity_and_counts_capacity(org, admin):
    program = ProgramFactory(org=org, capacity=2)
    people = MembershipFactory.create_batch(3, org=org)
    with pytest.raises(ProgramError, match="Only 2 seats left"):
        services.enrollment_add(program=program, memberships=people, acting_user=admin)
    assert not Enrollment.objects.exists()
    added, already = services.enrollment_add(
        program=program, memberships=people[:2], acting_user=admin
    )
    assert (len(added), already) == (2, 0)
    assert Activity.objects.filter(kind="program_enrolled").count() == 2
    added, already = services.enrollment_add(
        program=program, memberships=people[:1], acting_user=admin
    )
    assert (len(added), already) == (0, 1)


def test_member_of_another_org_cannot_be_enrolled(org, admin):
    program = ProgramFactory(org=org)
    with pytest.raises(ProgramError):
        services.enrollment_add(
            program=program, memberships=[MembershipFactory()], acting_user=admin
        )


def test_archived_program_takes_no_one(org, admin, member):
    program = ProgramFactory(org=org, open_for_requests=True)
    services.program_archive(program=program)
    membership = member.memberships.get()
    with pytest.raises(ProgramError, match="archived"):
        services.enrollment_add(program=program, memberships=[membership], acting_user=admin)
    with pytest.raises(ProgramError, match="archived"):
        services.enrollment_request(program=program, membership=membership)
    assert not Enrollment.objects.exists()


def test_request_then_approve_emails_the_member(
    org, admin, member, django_capture_on_commit_callbacks
):
    from astn.notifications.models import OutboundEmail

    program = ProgramFactory(org=org, open_for_requests=True)
    membership = member.memberships.get()
    enrollment = services.enrollment_request(program=program, membership=membership)
    assert enrollment.status == "requested"
    with pytest.raises(ProgramError, match="already asked"):
        services.enrollment_request(program=program, membership=membership)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_decide(enrollment=enrollment, approve=True, acting_user=admin)
    enrollment.refresh_from_db()
    assert enrollment.status == "enrolled"
    email = OutboundEmail.objects.get(to=member.email)
    assert program.name in email.subject


def test_closed_program_refuses_requests(org, member):
    program = ProgramFactory(org=org, open_for_requests=False)
    with pytest.raises(ProgramError, match="does not take requests"):
        services.enrollment_request(program=program, membership=member.memberships.get())


def test_decline_is_said_and_decided_once(org, admin, member, django_capture_on_commit_callbacks):
    program = ProgramFactory(org=org, open_for_requests=True)
    enrollment = services.enrollment_request(program=program, membership=member.memberships.get())
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_decide(enrollment=enrollment, approve=False, acting_user=admin)
    with pytest.raises(ProgramError, match="already been answered"):
        services.enrollment_decide(enrollment=enrollment, approve=True, acting_user=admin)
    enrollment.refresh_from_db()
    assert enrollment.status == "declined"


def _program_with_past_sessions(org, n=3, required=2):
    sessions = [ended_event(org, hours_ago=5 + 24 * i) for i in range(n)]
    program = ProgramFactory(org=org, required_sessions=required, sessions=sessions)
    return program, sessions


def test_attending_enough_sessions_completes_by_itself(
    org, admin, member, django_capture_on_commit_callbacks
):
    program, sessions = _program_with_past_sessions(org)
    membership = member.memberships.get()
    enrollment = EnrollmentFactory(program=program, membership=membership)
    first = rsvp_of(sessions[0], user=member)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_answer(attendance=first, attended=True, actor=member)
    enrollment.refresh_from_db()
    assert enrollment.status == "enrolled"
    second = rsvp_of(sessions[1], user=member)
    with django_capture_on_commit_callbacks(execute=True):
        checkin_mark(event=sessions[1], attendance_ids=[second.pk], attended=True, actor=admin)
    enrollment.refresh_from_db()
    assert enrollment.status == "completed"
    assert enrollment.completed_at is not None
    assert Activity.objects.filter(membership=membership, kind="program_completed").count() == 1


def test_correcting_attendance_reopens_an_automatic_completion(
    org, admin, member, django_capture_on_commit_callbacks
):
    program, sessions = _program_with_past_sessions(org)
    membership = member.memberships.get()
    enrollment = EnrollmentFactory(program=program, membership=membership)
    marks = [rsvp_of(s, user=member) for s in sessions[:2]]
    with django_capture_on_commit_callbacks(execute=True):
        for event, mark in zip(sessions, marks, strict=False):
            checkin_mark(event=event, attendance_ids=[mark.pk], attended=True, actor=admin)
    enrollment.refresh_from_db()
    assert enrollment.status == "completed"
    with django_capture_on_commit_callbacks(execute=True):
        checkin_mark(event=sessions[0], attendance_ids=[marks[0].pk], attended=False, actor=admin)
    enrollment.refresh_from_db()
    assert enrollment.status == "enrolled"


def test_attendance_at_other_events_does_not_count(
    org, admin, member, django_capture_on_commit_callbacks
):
    program, _sessions = _program_with_past_sessions(org, n=2, required=1)
    enrollment = EnrollmentFactory(program=program, membership=member.memberships.get())
    elsewhere = ended_event(org, hours_ago=10)
    mark = rsvp_of(elsewhere, user=member)
    with django_capture_on_commit_callbacks(execute=True):
        checkin_mark(event=elsewhere, attendance_ids=[mark.pk], attended=True, actor=admin)
    enrollment.refresh_from_db()
    assert enrollment.status == "enrolled"


def test_import_completes_enrollments_in_one_pass(
    org, admin, settings, tmp_path, django_capture_on_commit_callbacks
):
    from tests.attendance import import_files as F
    from tests.attendance.imports_helpers import run

    settings.UPLOAD_ROOT = tmp_path
    program, sessions = _program_with_past_sessions(org, n=2, required=1)
    people = F.people(3)
    memberships = [MembershipFactory(org=org, email=p.email, user=None) for p in people]
    enrollments = [EnrollmentFactory(program=program, membership=m) for m in memberships]
    with django_capture_on_commit_callbacks(execute=True):
        imp = run(
            org, admin, F.luma(checked_in=people[:2], approved=people[2:]), event_id=sessions[0].pk
        )
    assert imp.status == "done", imp.error
    statuses = [Enrollment.objects.get(pk=e.pk).status for e in enrollments]
    assert statuses == ["completed", "completed", "enrolled"]


def test_admin_override_is_kept_from_automatic_changes(
    org, admin, member, django_capture_on_commit_callbacks
):
    program, _sessions = _program_with_past_sessions(org)
    enrollment = EnrollmentFactory(program=program, membership=member.memberships.get())
    with pytest.raises(ProgramError, match="reason"):
        services.enrollment_set_status(
            enrollment=enrollment, status="completed", reason="  ", acting_user=admin
        )
    services.enrollment_set_status(
        enrollment=enrollment,
        status="completed",
        reason="Presented the final paper",
        acting_user=admin,
    )
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.manual) == ("completed", True)
    assert services.enrollments_recompute(program_ids=[program.pk]) == (0, 0)
    services.enrollment_set_status(
        enrollment=enrollment, status="dropped", reason="Moved away", acting_user=admin
    )
    assert Activity.objects.filter(kind="program_dropped").count() == 1


def test_lowering_the_rule_completes_who_now_qualifies(org, admin, member):
    program, sessions = _program_with_past_sessions(org, n=3, required=3)
    membership = member.memberships.get()
    enrollment = EnrollmentFactory(program=program, membership=membership)
    for event in sessions[:2]:
        Attendance.objects.create(
            event=event, membership=membership, attended=True, attended_source="admin"
        )
    services.program_update(
        program=program,
        name=program.name,
        kind=program.kind,
        description="",
        starts_on=None,
        ends_on=None,
        capacity=None,
        open_for_requests=False,
        completion_rule="attend_n",
        required_sessions=2,
    )
    enrollment.refresh_from_db()
    assert enrollment.status == "completed"


def test_member_sees_progress(org, member):
    from crm.selectors.programs import my_programs

    program, sessions = _program_with_past_sessions(org, n=3, required=2)
    membership = member.memberships.get()
    EnrollmentFactory(program=program, membership=membership)
    Attendance.objects.create(
        event=sessions[0], membership=membership, attended=True, attended_source="self"
    )
    [mine] = my_programs(user=member)
    assert (mine.attended, mine.sessions, mine.required, mine.percent) == (1, 3, 2, 50)
    assert timezone.now()
