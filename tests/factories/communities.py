"""Factories for communities: a community, members (with org memberships), rounds, intakes."""

import datetime

import factory
from django.utils import timezone

from communities.intake import DEFAULT_QUESTIONS
from communities.models import Community, CommunityMember, Round, RoundParticipant
from tests.factories.orgs import MembershipFactory, OrganizationFactory


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    org = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Coffee Chats {n}")
    slug = factory.Sequence(lambda n: f"coffee-chats-{n}")
    description = "Meet one new person a month."
    intake_questions = factory.LazyFunction(lambda: [dict(q) for q in DEFAULT_QUESTIONS])
    timezone = "Europe/Berlin"


class CommunityMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityMember

    community = factory.SubFactory(CommunityFactory)
    membership = factory.LazyAttribute(lambda o: MembershipFactory(org=o.community.org))


class RoundFactory(factory.django.DjangoModelFactory):
    """An open round whose deadline and match time are in the future."""

    class Meta:
        model = Round

    community = factory.SubFactory(CommunityFactory)
    month = factory.LazyFunction(lambda: timezone.now().date().replace(day=1))
    signup_deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=5))
    match_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=6))


EVENINGS = {
    "timezone": "Europe/Berlin",
    "slots": [{"day": d, "start": "18:00", "end": "21:00"} for d in range(5)],
}


class ParticipantFactory(factory.django.DjangoModelFactory):
    """A participant who finished the intake (answers + weekday evenings in Berlin)."""

    class Meta:
        model = RoundParticipant

    round = factory.SubFactory(RoundFactory)
    member = factory.LazyAttribute(lambda o: CommunityMemberFactory(community=o.round.community))
    answers = factory.LazyFunction(lambda: {"q1": "AI safety research", "q2": ["Research"]})
    availability = factory.LazyFunction(lambda: dict(EVENINGS))
    intake_completed_at = factory.LazyFunction(timezone.now)
