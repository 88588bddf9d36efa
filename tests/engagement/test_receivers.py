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


def test_a_lu_ma_guest_list_is_heard_as_one_write_in_a_constant_number_of_queries(
    org, now, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """A sync of an event's 60 guests sends one `attendance_changed`; engagement and crm
    record its activity, last-active times and stats set-based — not ~7 queries a guest."""
    from django.db import transaction

    from attendance.services import luma_guests_sync
    from crm.models import MemberStats
    from events.models import Event

    event = event_at(org, past(now, 1))
    Event.objects.filter(pk=event.pk).update(source=Event.Source.LUMA, external_id="evt-x")
    members = [MembershipFactory(org=org) for _ in range(60)]
    EngagementScore.objects.bulk_create(
        EngagementScore(org=org, membership=m, last_active_at=past(now, 90)) for m in members
    )
    guests = [
        {
            "api_id": f"gst-{n}",
            "guest": {
                "email": m.user.email,
                "approval_status": "approved",
                "checked_in_at": past(now, 1).isoformat() if n % 2 else None,
            },
        }
        for n, m in enumerate(members)
    ]
    with (
        django_assert_max_num_queries(40),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        luma_guests_sync(event=event, guests=guests)
    assert Activity.objects.filter(kind="rsvp").count() == 60
    assert Activity.objects.filter(kind="attended").count() == 30
    assert EngagementScore.objects.filter(last_active_at__gte=past(now, 2)).count() == 60
    assert MemberStats.objects.filter(events_attended=1).count() == 30
