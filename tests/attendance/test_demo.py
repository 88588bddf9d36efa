import datetime
import io

import pytest
from django.utils import timezone

from attendance import demo
from attendance.models import Attendance, AttendanceChange
from tests.factories.attendance import RsvpEventFactory

pytestmark = pytest.mark.django_db


def test_demo_rsvps_are_seeded_once(org, member, make_member):
    for n in range(4):
        make_member(f"Person {n}")
    upcoming = RsvpEventFactory(org=org, capacity=2)
    past = RsvpEventFactory(org=org, start=timezone.now() - datetime.timedelta(days=10))

    demo.seed(stdout=io.StringIO())
    rows, changes = Attendance.objects.count(), AttendanceChange.objects.count()
    demo.seed(stdout=io.StringIO())

    assert rows > 0
    assert (Attendance.objects.count(), AttendanceChange.objects.count()) == (rows, changes)
    assert Attendance.objects.filter(event=upcoming, rsvp="going").count() <= 2
    assert Attendance.objects.filter(event=past).exists()


def test_demo_without_events_does_nothing(db):
    out = io.StringIO()

    demo.seed(stdout=out)

    assert "0 demo events" in out.getvalue()
