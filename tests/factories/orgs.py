import factory
from django.utils.text import slugify

from orgs.models import InviteLink, Membership, Organization
from tests.factories.accounts import UserFactory


class OrganizationFactory(factory.django.DjangoModelFactory):
    """A discoverable org in Berlin."""

    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Community Hub {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description = "A friendly local hub for people who like to learn together."
    city = "Berlin"
    lat = 52.52
    lng = 13.405


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active member with an account; pass `user=None, email=...` for a contact."""

    class Meta:
        model = Membership

    org = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda m: m.user.email if m.user else "contact@example.org")
    name = factory.LazyAttribute(lambda m: m.user.name if m.user else "")
    role = Membership.Role.MEMBER
    status = Membership.Status.MEMBER


class AdminMembershipFactory(MembershipFactory):
    role = Membership.Role.ADMIN


class ContactMembershipFactory(MembershipFactory):
    """A person the org knows of (e.g. from an attendance import) without an account."""

    user = None
    email = factory.Sequence(lambda n: f"contact{n}@example.net")
    name = factory.Faker("name")
    status = Membership.Status.CONTACT
    source = Membership.Source.IMPORT


class InviteLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InviteLink

    org = factory.SubFactory(OrganizationFactory)
    label = "Newsletter"
