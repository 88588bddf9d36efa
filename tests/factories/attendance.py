import datetime

import factory
from django.utils import timezone as dj_timezone

from attendance.models import Attendance
from events.models import Event
from tests.factories.orgs import MembershipFactory, OrganizationFactory


class RsvpEventFactory(factory.django.DjangoModelFactory):
    """A published event a week from now, for RSVP tests (no capacity unless given)."""

    class Meta:
        model = Event

    org = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Reading night {n}")
    # 18:00 UTC a week from now: a time a person would pick.
    start = factory.LazyFunction(
        lambda: (dj_timezone.now() + datetime.timedelta(days=7)).replace(
            hour=18, minute=0, second=0, microsecond=0
        )
    )
    end = factory.LazyAttribute(lambda e: e.start + datetime.timedelta(hours=2))
    timezone = "Europe/Berlin"
    location = "Café Kafka, Oranienstraße 1, Berlin"
    status = Event.Status.PUBLISHED
    published_at = factory.LazyFunction(dj_timezone.now)


class AttendanceFactory(factory.django.DjangoModelFactory):
    """A "going" RSVP of a fresh member (use the services to change it in tests)."""

    class Meta:
        model = Attendance

    event = factory.SubFactory(RsvpEventFactory)
    membership = factory.SubFactory(MembershipFactory, org=factory.SelfAttribute("..event.org"))
    rsvp = Attendance.Rsvp.GOING
    rsvp_at = factory.LazyFunction(dj_timezone.now)
    rsvp_source = "self"
