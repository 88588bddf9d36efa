"""Marking many people, or applying a lu.ma guest list, costs a handful of statements, not N."""

import pytest
from django.db import transaction

from attendance.models import Attendance, AttendanceChange
from attendance.services import luma_guests_sync
from attendance.services.checkin import checkin_mark
from events.models import Event
from orgs.models import Membership
from tests.attendance.after_event import ended_event, rsvp_of
from tests.factories.attendance import RsvpEventFactory
from tests.factories.orgs import MembershipFactory

pytestmark = pytest.mark.django_db


def test_checking_in_100_people_takes_a_constant_number_of_statements(
    org, admin, django_assert_max_num_queries
):
    event = ended_event(org, title="Big night")
    people = [rsvp_of(event) for _ in range(100)]
    with django_assert_max_num_queries(8):
        marked = checkin_mark(
            event=event, attendance_ids=[p.pk for p in people], attended=True, actor=admin
        )
    assert marked == 100
    assert (
        Attendance.objects.filter(event=event, attended=True, attended_source="admin").count()
        == 100
    )
    assert AttendanceChange.objects.filter(attendance__event=event, source="admin").count() == 100


def test_a_guest_list_of_known_people_is_applied_in_a_constant_number_of_statements(
    org, django_assert_max_num_queries
):
    event = RsvpEventFactory(org=org, source=Event.Source.LUMA, external_id="evt-bulk")
    members = [MembershipFactory(org=org) for _ in range(60)]
    guests = [
        {
            "api_id": f"gst-{n}",
            "guest": {
                "email": m.user.email if m.user else m.email,
                "approval_status": "approved" if n % 3 else "waitlist",
                "checked_in_at": "2030-01-01T18:00:00Z" if n % 2 else None,
            },
        }
        for n, m in enumerate(members)
    ]
    with django_assert_max_num_queries(16), transaction.atomic():
        stats = luma_guests_sync(event=event, guests=guests)
    assert stats["matched"] == 60
    assert stats["rsvps_changed"] == 60
    assert Attendance.objects.filter(event=event, rsvp="going").count() == 40
    assert Attendance.objects.filter(event=event, rsvp="waitlisted").count() == 20
    assert Attendance.objects.filter(event=event, attended=True).count() == 30
    assert Membership.objects.filter(org=org).count() >= 60
