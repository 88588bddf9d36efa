"""Org-admin pages: create and edit (with the bad-input cases), dashboard, round actions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, Match, Round
from tests.factories.communities import CommunityFactory, ParticipantFactory, RoundFactory

pytestmark = pytest.mark.django_db


def _form(**overrides) -> dict:
    data = {
        "name": "Coffee Chats",
        "slug": "coffee",
        "description": "One new person a month.",
        "signup_deadline_day": 20,
        "match_day": 27,
        "call_minutes": 30,
        "no_repeat_rounds": 6,
        "timezone": "Europe/Berlin",
        "active": "on",
        "q-TOTAL_FORMS": 3,
        "q-INITIAL_FORMS": 0,
        "q-MIN_NUM_FORMS": 0,
        "q-MAX_NUM_FORMS": 12,
        "q-0-label": "What do you want to talk about?",
        "q-0-kind": "long",
        "q-0-ORDER": 2,
        "q-0-required": "on",
        "q-1-label": "Your field",
        "q-1-kind": "single",
        "q-1-choices": "Research\nPolicy\nOps",
        "q-1-ORDER": 1,
        "q-2-label": "",
        "q-2-kind": "short",
    }
    data.update(overrides)
    return data


def test_admin_creates_a_community_with_reordered_questions(org, client_as_admin):
    response = client_as_admin.post(
        reverse("communities:admin-create", kwargs={"slug": org.slug}), _form()
    )
    community = Community.objects.get(slug="coffee")
    assert response.status_code == 302
    assert [q["label"] for q in community.intake_questions] == [
        "Your field",
        "What do you want to talk about?",
    ]
    assert community.intake_questions[0]["choices"] == ["Research", "Policy", "Ops"]
    assert community.org == org


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"match_day": 15}, "The match day must come after the signup deadline"),
        ({"signup_deadline_day": 31, "match_day": 31}, "from 1 to 30"),
        ({"q-1-choices": "Only one"}, "needs at least two choices"),
        ({"slug": "Not A Slug!"}, "Enter a valid"),
    ],
)
def test_bad_settings_get_clear_messages_and_nothing_is_saved(
    org, client_as_admin, overrides, message
):
    response = client_as_admin.post(
        reverse("communities:admin-create", kwargs={"slug": org.slug}), _form(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Community.objects.exists()


def test_a_taken_slug_is_refused_with_a_clear_message(org, client_as_admin):
    CommunityFactory(slug="coffee")  # another org's community
    response = client_as_admin.post(
        reverse("communities:admin-create", kwargs={"slug": org.slug}), _form()
    )
    assert "already taken" in response.content.decode()
    assert Community.objects.count() == 1


def test_edit_keeps_question_ids(org, client_as_admin):
    community = CommunityFactory(org=org)
    ids = [q["id"] for q in community.intake_questions]
    url = reverse("communities:admin-edit", kwargs={"slug": org.slug, "community_id": community.pk})
    page = client_as_admin.get(url)
    assert page.status_code == 200
    data = _form(slug=community.slug, **{"q-INITIAL_FORMS": 2, "q-TOTAL_FORMS": 2})
    for i, q in enumerate(community.intake_questions):
        data[f"q-{i}-id"] = q["id"]
        data[f"q-{i}-label"] = q["label"]
        data[f"q-{i}-kind"] = q["kind"]
        data[f"q-{i}-choices"] = "\n".join(q["choices"])
        data[f"q-{i}-ORDER"] = i + 1
    client_as_admin.post(url, data)
    community.refresh_from_db()
    assert [q["id"] for q in community.intake_questions] == ids


def test_dashboard_shows_participation_and_metrics(
    org, client_as_admin, django_assert_max_num_queries
):
    community = CommunityFactory(org=org)
    round_ = RoundFactory(community=community, month=datetime.date(2026, 1, 1))
    ParticipantFactory.create_batch(4, round=round_)
    from communities.services import matching

    matching.round_match(round_id=round_.pk)
    Match.objects.filter(round=round_).update(met=Match.Met.YES)
    RoundFactory(community=community)
    url = reverse(
        "communities:admin-detail", kwargs={"slug": org.slug, "community_id": community.pk}
    )
    with django_assert_max_num_queries(25):
        page = client_as_admin.get(url)
    text = page.content.decode()
    assert "0 of 0</strong> signed up for" in text
    assert "100 %" in text  # met rate


def test_match_now_on_an_empty_round_tells_the_organiser(org, client_as_admin):
    community = CommunityFactory(org=org)
    round_ = RoundFactory(community=community)
    url = reverse(
        "communities:admin-round-match",
        kwargs={"slug": org.slug, "community_id": community.pk, "round_id": round_.pk},
    )
    page = client_as_admin.post(url, follow=True)
    assert "Nobody was matched: nobody signed up." in page.content.decode()
    round_.refresh_from_db()
    assert round_.status == Round.Status.MATCHED


def test_extend_and_close(org, client_as_admin):
    community = CommunityFactory(org=org)
    round_ = RoundFactory(community=community)
    kwargs = {"slug": org.slug, "community_id": community.pk, "round_id": round_.pk}
    new_day = (round_.signup_deadline + datetime.timedelta(days=10)).date()
    client_as_admin.post(
        reverse("communities:admin-round-extend", kwargs=kwargs), {"until": new_day}
    )
    round_.refresh_from_db()
    assert round_.signup_deadline.astimezone(community.tz).date() == new_day
    assert round_.match_at > round_.signup_deadline
    page = client_as_admin.post(
        reverse("communities:admin-round-extend", kwargs=kwargs),
        {"until": "2001-01-01"},
        follow=True,
    )
    assert "Pick a deadline in the future" in page.content.decode()
    client_as_admin.post(reverse("communities:admin-round-close", kwargs=kwargs))
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED


def test_open_this_month_round_now(org, client_as_admin):
    community = CommunityFactory(org=org)
    url = reverse(
        "communities:admin-round-open", kwargs={"slug": org.slug, "community_id": community.pk}
    )
    client_as_admin.post(url)
    client_as_admin.post(url)
    assert Round.objects.filter(community=community).count() == 1
    assert Round.objects.get().signup_deadline > timezone.now()
