"""Helpers for the after-the-event tests (#6): past events and RSVPs made back then."""

from __future__ import annotations

import datetime

from django.utils import timezone

from attendance.models import Attendance
from tests.factories.accounts import UserFactory
from tests.factories.attendance import RsvpEventFactory
from tests.factories.orgs import MembershipFactory

NOW = timezone.now().replace(microsecond=0)


def ended_event(org, *, hours_ago: float = 3, now=None, **kwargs):
    """A published event of `org` that ended `hours_ago` hours before `now` (2 h long)."""
    end = (now or NOW) - datetime.timedelta(hours=hours_ago)
    return RsvpEventFactory(org=org, start=end - datetime.timedelta(hours=2), end=end, **kwargs)


def rsvp_of(event, *, user=None, rsvp: str = "going", **membership) -> Attendance:
    """An RSVP made before the event (written directly: RSVPs close at the start)."""
    user = user or UserFactory()
    member = event.org.memberships.filter(user=user).first() or MembershipFactory(
        org=event.org, user=user, **membership
    )
    return Attendance.objects.create(
        event=event,
        membership=member,
        rsvp=rsvp,
        rsvp_at=NOW,
        rsvp_source="self",
        waitlisted_at=NOW if rsvp == "waitlisted" else None,
    )


def reload(attendance: Attendance) -> Attendance:
    return Attendance.objects.get(pk=attendance.pk)
