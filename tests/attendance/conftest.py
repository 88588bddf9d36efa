import pytest

from tests.factories.accounts import UserFactory
from tests.factories.attendance import RsvpEventFactory
from tests.factories.orgs import MembershipFactory


@pytest.fixture
def event(org):
    """A published event of `org` a week from now, without a capacity."""
    return RsvpEventFactory(org=org, title="Reading night")


@pytest.fixture
def full_house(org):
    """An event with one seat."""
    return RsvpEventFactory(org=org, title="Tiny workshop", capacity=1)


@pytest.fixture
def make_member(org):
    """Return a function making another member of `org` (a User)."""

    def make(name: str = "") -> object:
        user = UserFactory(**({"name": name} if name else {}))
        MembershipFactory(org=org, user=user)
        return user

    return make
