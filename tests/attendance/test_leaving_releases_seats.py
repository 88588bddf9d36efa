"""Leaving an org (or deleting the account) gives one's upcoming seats to the waitlist."""

import datetime

import pytest
from django.utils import timezone

from attendance.models import Attendance
from attendance.services import rsvp_set
from events.models import Event
from orgs.models import Membership
from orgs.services import membership_join, membership_leave, memberships_anonymise_for_user
from tests.factories.accounts import UserFactory


@pytest.fixture
def full_event(org, admin):
    start = timezone.now() + datetime.timedelta(days=3)
    return Event.objects.create(
        org=org,
        title="Small circle",
        start=start,
        end=start + datetime.timedelta(hours=2),
        capacity=1,
        status=Event.Status.PUBLISHED,
    )


def _going_and_waitlisted(org, event):
    first, second = UserFactory(), UserFactory()
    for person in (first, second):
        membership_join(org=org, user=person)
        rsvp_set(event=event, user=person, rsvp="going")
    return first, second


def _rsvp(event, user) -> str:
    return Attendance.objects.get(
        event=event, membership__org=event.org, membership__user=user
    ).rsvp


@pytest.mark.django_db
def test_leaving_the_org_promotes_the_next_person_on_the_waitlist(
    org, full_event, django_capture_on_commit_callbacks
):
    first, second = _going_and_waitlisted(org, full_event)
    assert _rsvp(full_event, second) == "waitlisted"

    with django_capture_on_commit_callbacks(execute=True):
        membership_leave(membership=Membership.objects.get(org=org, user=first))

    assert _rsvp(full_event, second) == "going"


@pytest.mark.django_db
def test_deleting_an_account_frees_its_seats(org, full_event, django_capture_on_commit_callbacks):
    first, second = _going_and_waitlisted(org, full_event)

    with django_capture_on_commit_callbacks(execute=True):
        memberships_anonymise_for_user(user=first)

    assert _rsvp(full_event, second) == "going"
    released = Attendance.objects.get(event=full_event, membership__user=None)
    assert released.rsvp == "not_going"
