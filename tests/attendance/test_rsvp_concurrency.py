"""Two people taking the last seat at the same moment: one going, one waitlisted.

Each thread has its own database connection (Django connections are per thread),
so the two `rsvp_set` transactions really race in Postgres; the event row lock
makes the second wait for the first and then count the seat as taken.
"""

import functools

import pytest

from attendance.models import Attendance
from attendance.services import rsvp_set
from tests.concurrency import race
from tests.factories.accounts import UserFactory
from tests.factories.attendance import RsvpEventFactory
from tests.factories.orgs import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _race(function, arguments: list[dict]) -> list:
    return race(*[functools.partial(function, **kwargs) for kwargs in arguments])


@pytest.mark.parametrize("attempt", range(3))
def test_two_people_taking_the_last_seat_at_once_one_waits(attempt):
    org = OrganizationFactory()
    event = RsvpEventFactory(org=org, capacity=1)
    users = [UserFactory(), UserFactory()]
    for user in users:
        MembershipFactory(org=org, user=user)

    results = _race(rsvp_set, [{"event": event, "user": u, "rsvp": "going"} for u in users])

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.rsvp for r in results) == ["going", "waitlisted"]
    assert Attendance.objects.filter(event=event, rsvp="going").count() == 1


def test_a_crowd_never_overbooks():
    org = OrganizationFactory()
    event = RsvpEventFactory(org=org, capacity=3)
    users = [UserFactory() for _ in range(8)]
    for user in users:
        MembershipFactory(org=org, user=user)

    results = _race(rsvp_set, [{"event": event, "user": u, "rsvp": "going"} for u in users])

    assert not [r for r in results if isinstance(r, Exception)], results
    assert Attendance.objects.filter(event=event, rsvp="going").count() == 3
    assert Attendance.objects.filter(event=event, rsvp="waitlisted").count() == 5
