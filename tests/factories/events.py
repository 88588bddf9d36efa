import datetime

import factory
from django.utils import timezone as dj_timezone

from events.models import Event
from tests.factories.orgs import OrganizationFactory


class EventFactory(factory.django.DjangoModelFactory):
    """A published in-person meetup a week from now, 19:00–21:00-ish, in Berlin time."""

    class Meta:
        model = Event

    org = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Community meetup {n}")
    description = "We read, we talk, we have **tea**."
    start = factory.LazyFunction(
        lambda: (dj_timezone.now() + datetime.timedelta(days=7)).replace(microsecond=0)
    )
    end = factory.LazyAttribute(lambda e: e.start + datetime.timedelta(hours=2))
    timezone = "Europe/Berlin"
    location = "Café Kafka, Oranienstraße 1, Berlin"
    status = Event.Status.PUBLISHED
    published_at = factory.LazyFunction(dj_timezone.now)


class DraftEventFactory(EventFactory):
    status = Event.Status.DRAFT
    published_at = None


class PastEventFactory(EventFactory):
    start = factory.LazyFunction(
        lambda: (dj_timezone.now() - datetime.timedelta(days=14)).replace(microsecond=0)
    )


class OnlineEventFactory(EventFactory):
    is_online = True
    location = ""
    virtual_link = "https://meet.example.org/reading-circle"
