import factory

from astn.notifications.models import EmailStatus, Notification, OutboundEmail
from tests.factories.accounts import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = "event.announced"
    title = factory.Sequence(lambda n: f"New event number {n}")
    body = "Thursday 18:30 at the library."
    url = "/orgs/"


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    """A queued, due, transactional email rendered from the generic message template."""

    class Meta:
        model = OutboundEmail

    key = factory.Sequence(lambda n: f"test:{n}")
    to = factory.Sequence(lambda n: f"reader{n}@example.org")
    subject = factory.Sequence(lambda n: f"Test message {n}")
    template = "notifications/email/message"
    context = factory.LazyAttribute(
        lambda o: {"heading": o.subject, "paragraphs": ["Hello there."]}
    )
    status = EmailStatus.QUEUED
