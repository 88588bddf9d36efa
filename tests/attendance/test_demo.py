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


def test_seed_demo_puts_rsvps_on_the_demo_events_once():
    from django.core.management import call_command

    from events.models import Event

    call_command("seed_demo", stdout=io.StringIO())
    rows, changes = Attendance.objects.count(), AttendanceChange.objects.count()
    call_command("seed_demo", stdout=io.StringIO())

    assert (Attendance.objects.count(), AttendanceChange.objects.count()) == (rows, changes)
    upcoming = Event.objects.published().upcoming()
    assert Attendance.objects.filter(event__in=upcoming, rsvp="going").exists()
    assert Attendance.objects.filter(event__in=Event.objects.past()).exists()
    assert not Attendance.objects.filter(event__status=Event.Status.DRAFT).exists()
    for event in Event.objects.exclude(capacity=None):
        assert Attendance.objects.filter(event=event, rsvp="going").count() <= event.capacity
