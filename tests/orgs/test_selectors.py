import pytest

from astn.accounts.services import profile_location_set
from orgs.selectors import org_search, org_suggestions
from tests.factories.accounts import UserFactory
from tests.factories.orgs import (
    ContactMembershipFactory,
    MembershipFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db

BERLIN = (52.52, 13.405)
POTSDAM = (52.39, 13.06)
LONDON = (51.507, -0.128)


@pytest.fixture
def orgs():
    return {
        "berlin": OrganizationFactory(
            name="Berlin Reading Circle",
            city="Berlin",
            lat=BERLIN[0],
            lng=BERLIN[1],
            description="We read philosophy and ethics books together.",
        ),
        "potsdam": OrganizationFactory(
            name="Potsdam Gardeners",
            city="Potsdam",
            lat=POTSDAM[0],
            lng=POTSDAM[1],
            description="Urban gardening and compost workshops.",
        ),
        "london": OrganizationFactory(
            name="London Civic Tech",
            city="London",
            lat=LONDON[0],
            lng=LONDON[1],
            description="Open data, civic technology and a monthly hack night.",
        ),
        "online": OrganizationFactory(
            name="Effective Giving Online",
            city="",
            lat=None,
            lng=None,
            is_online=True,
            description="A worldwide community about giving well; calls in every time zone.",
        ),
        "hidden": OrganizationFactory(
            name="Berlin Organisers Council",
            discoverable=False,
            description="Private coordination between Berlin reading groups.",
        ),
    }


def names(queryset):
    return [org.name for org in queryset]


def test_search_ranks_name_matches_above_description_matches(orgs):
    OrganizationFactory(name="Philosophy Cafe", city="Lisbon", description="Coffee and talk.")
    assert names(org_search(query="philosophy"))[:2] == ["Philosophy Cafe", "Berlin Reading Circle"]


def test_search_matches_stems_and_city_prefixes(orgs):
    assert names(org_search(query="gardens")) == ["Potsdam Gardeners"]
    assert names(org_search(query="berl")) == ["Berlin Reading Circle"]


def test_search_never_lists_undiscoverable_orgs(orgs):
    assert "Berlin Organisers Council" not in names(org_search(query="Berlin"))
    assert "Berlin Organisers Council" not in names(org_search())


@pytest.mark.parametrize("query", ["'", "&", "!!", ":*", "a & | !b", '"unclosed', "\\", "()"])
def test_search_with_odd_characters_never_errors(orgs, query):
    assert isinstance(names(org_search(query=query)), list)


def test_filters_city_and_online_only(orgs):
    assert names(org_search(city="london")) == ["London Civic Tech"]
    assert names(org_search(online_only=True)) == ["Effective Giving Online"]


def test_near_me_sorts_by_distance_with_orgs_without_coordinates_last(orgs):
    results = list(org_search(near=BERLIN))
    assert names(results) == [
        "Berlin Reading Circle",
        "Potsdam Gardeners",
        "London Civic Tech",
        "Effective Giving Online",
    ]
    assert results[0].distance_km == pytest.approx(0, abs=0.01)
    assert results[1].distance_km == pytest.approx(27, abs=3)
    assert results[2].distance_km == pytest.approx(932, abs=10)
    assert results[3].distance_km is None


def test_antipodal_distance_does_not_error():
    OrganizationFactory(name="Far", lat=-52.52, lng=13.405 - 180)
    (far,) = org_search(near=BERLIN)
    assert far.distance_km == pytest.approx(20015, abs=5)


def test_member_count_counts_only_current_members(orgs):
    org = orgs["berlin"]
    MembershipFactory(org=org)
    MembershipFactory(org=org, status="left")
    ContactMembershipFactory(org=org)
    (result,) = org_search(query="Reading Circle")
    assert result.member_count == 1


def test_suggestions_prefer_nearby_orgs_when_the_member_shares_location(orgs):
    user = UserFactory()
    profile_location_set(user=user, lat=POTSDAM[0], lng=POTSDAM[1])
    suggestions = org_suggestions(user=user)
    assert suggestions[0].org.name == "Potsdam Gardeners"
    assert suggestions[0].reasons[0] == "0 km away"


def test_suggestions_use_city_and_interests_without_location(orgs):
    user = UserFactory()
    user.profile.city = "London"
    user.profile.save()
    assert org_suggestions(user=user)[0].org.name == "London Civic Tech"
    assert org_suggestions(user=user)[0].reasons == ["In London"]

    reader = UserFactory()
    reader.profile.interests = "ethics, philosophy"
    reader.profile.save()
    top = org_suggestions(user=reader)[0]
    assert (top.org.name, top.reasons) == ("Berlin Reading Circle", ["Matches your interests"])


def test_suggestions_never_include_joined_left_contact_or_hidden_orgs(orgs):
    user = UserFactory()
    MembershipFactory(org=orgs["berlin"], user=user)
    MembershipFactory(org=orgs["london"], user=user, status="left")
    ContactMembershipFactory(org=orgs["potsdam"], user=user, email=user.email)
    suggested = [s.org.name for s in org_suggestions(user=user, limit=10)]
    assert suggested == ["Effective Giving Online"]
