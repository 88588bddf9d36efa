"""Attendance plugged into the events app: its services, signals and event page."""

import pytest

from astn.notifications.models import Notification
from attendance.models import Attendance
from attendance.services import rsvp_set
from events.errors import EventError
from events.services import event_cancel, event_update
from tests.factories.attendance import RsvpEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_going(org, make_member):
    event = RsvpEventFactory(org=org, capacity=2)
    for _ in range(2):
        rsvp_set(event=event, user=make_member(), rsvp="going")
    return event


def test_the_capacity_cannot_drop_below_the_people_going(two_going, admin):
    with pytest.raises(EventError, match="2 people are already going"):
        event_update(event=two_going, acting_user=admin, capacity=1)

    two_going.refresh_from_db()
    assert two_going.capacity == 2


def test_raising_the_capacity_in_the_admin_promotes_the_waitlist(
    two_going, admin, member, django_capture_on_commit_callbacks
):
    rsvp_set(event=two_going, user=member, rsvp="going")

    with django_capture_on_commit_callbacks(execute=True):
        event_update(event=two_going, acting_user=admin, capacity=3)

    assert Attendance.objects.get(membership__user=member).rsvp == "going"
    assert Notification.objects.filter(user=member, kind="event.waitlist_promoted").exists()


def test_cancelling_in_the_admin_tells_people_going(
    two_going, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=two_going, acting_user=admin)

    assert Notification.objects.filter(kind="event.cancelled").count() == 2


def test_the_event_page_shows_the_widget_and_the_online_link_once_going(
    client_as_member, org, member
):
    event = RsvpEventFactory(org=org, is_online=True, virtual_link="https://meet.example.org/r")

    before = client_as_member.get(event.get_absolute_url()).content.decode()
    rsvp_set(event=event, user=member, rsvp="going")
    after = client_as_member.get(event.get_absolute_url()).content.decode()

    assert f'id="rsvp-widget-{event.pk}"' in before
    assert "https://meet.example.org/r" not in before
    assert "https://meet.example.org/r" in after
