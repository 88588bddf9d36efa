"""Activity arrives from the apps below through their signals (no call into engagement)."""

import pytest

from attendance.models import Attendance
from attendance.services import rsvp_set
from attendance.services.answers import attendance_feedback_set
from attendance.services.checkin import checkin_mark
from attendance.signals import attendance_imported
from engagement.models import Activity, EngagementScore, RecomputeRun
from orgs.services import membership_leave
from tests.engagement.conftest import past
from tests.engagement.history import event_at
from tests.factories.events import EventFactory
from tests.factories.orgs import ContactMembershipFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_rsvp_records_an_activity_once(org, member, django_capture_on_commit_callbacks):
    event = EventFactory(org=org)
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_set(event=event, user=member, rsvp="going")
        rsvp_set(event=event, user=member, rsvp="going")  # unchanged: no second signal
    activity = Activity.objects.get(kind="rsvp")
    assert activity.metadata == {"event_id": event.pk, "source": "self", "rsvp": "going"}


def test_checkin_marks_attended_then_a_correction_replaces_it(
    org, admin, member, now, django_capture_on_commit_callbacks
):
    membership = member.memberships.get(org=org)
    event = event_at(org, past(now, 1))
    attendance = Attendance.objects.create(event=event, membership=membership, rsvp="going")
    with django_capture_on_commit_callbacks(execute=True):
        checkin_mark(event=event, attendance_ids=[attendance.pk], attended=True, actor=admin)
    assert list(Activity.objects.values_list("kind", flat=True)) == ["attended"]
    assert Activity.objects.get().occurred_at == event.start

    with django_capture_on_commit_callbacks(execute=True):
        checkin_mark(event=event, attendance_ids=[attendance.pk], attended=False, actor=admin)
    assert list(Activity.objects.values_list("kind", flat=True)) == ["no_show"]


def test_feedback_is_recorded_without_its_text(
    org, member, now, django_capture_on_commit_callbacks
):
    membership = member.memberships.get(org=org)
    event = event_at(org, past(now, 1))
    attendance = Attendance.objects.create(
        event=event, membership=membership, rsvp="going", attended=True, attended_source="admin"
    )
    with django_capture_on_commit_callbacks(execute=True):
        attendance_feedback_set(attendance=attendance, rating=4, comment="Loved the talk by Jo")
    activity = Activity.objects.get(kind="feedback")
    assert activity.metadata == {"event_id": event.pk, "rating": 4}


def test_an_import_records_attendance_in_one_statement_and_recomputes_the_org(
    org, now, no_api_key, django_capture_on_commit_callbacks
):
    events = [event_at(org, past(now, d)) for d in (10, 40)]
    people = [ContactMembershipFactory(org=org) for _ in range(3)]
    for event in events:
        for person in people:
            Attendance.objects.create(
                event=event, membership=person, attended=True, attended_source="import"
            )
    with django_capture_on_commit_callbacks(execute=True):
        attendance_imported.send(
            sender=Attendance,
            org=org,
            event_ids=[e.pk for e in events],
            attendance_import=None,
            undone=False,
        )
    assert Activity.objects.filter(kind="attended").count() == 6
    assert RecomputeRun.objects.get(org=org).trigger == "import"
    assert EngagementScore.objects.filter(org=org).count() == 3

    Attendance.objects.filter(event=events[0]).update(attended=None, attended_source="")
    with django_capture_on_commit_callbacks(execute=True):
        attendance_imported.send(
            sender=Attendance,
            org=org,
            event_ids=[events[0].pk],
            attendance_import=None,
            undone=True,
        )
    assert Activity.objects.filter(kind="attended").count() == 3


def test_joining_and_leaving_are_recorded(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        membership = MembershipFactory(org=org)
    assert Activity.objects.filter(membership=membership, kind="joined").exists()
    with django_capture_on_commit_callbacks(execute=True):
        membership_leave(membership=membership)
    assert Activity.objects.filter(membership=membership, kind="left").exists()


def test_a_profile_edit_is_recorded_once_a_day(org, member, django_capture_on_commit_callbacks):
    profile = member.profile
    profile.headline = "Reads a lot"
    profile.save()
    profile.bio = "More"
    profile.save()
    assert Activity.objects.filter(kind="profile_updated").count() == 1
