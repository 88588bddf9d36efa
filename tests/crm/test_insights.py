"""Insights: each rule on data built to trigger it, and on data built not to (#14)."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from attendance.models import Attendance
from crm.selectors import insights
from crm.selectors.period import period_from_params
from engagement.models import EngagementOverride, EngagementScore
from tests.factories.events import EventFactory
from tests.factories.orgs import MembershipFactory
from tests.factories.programs import EnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def _period(query: str = "range=90d"):
    return period_from_params(QueryDict(query), now=NOW)


def _held(org, days_ago: float, event_type: str = "meetup", **kwargs):
    start = NOW - datetime.timedelta(days=days_ago)
    return EventFactory(
        org=org,
        start=start,
        end=start + datetime.timedelta(hours=2),
        event_type=event_type,
        **kwargs,
    )


def _came(membership, event, **kwargs):
    return Attendance.objects.create(
        event=event, membership=membership, attended=True, attended_source="admin", **kwargs
    )


def _score(membership, score: int, level: str = "moderate"):
    return EngagementScore.objects.create(
        org=membership.org, membership=membership, score=score, level=level
    )


def _figures(org, query="range=90d"):
    return {f.membership_id: f for f in insights.member_figures(org=org, period=_period(query))}


def test_figures_split_the_period_and_the_one_before(org):
    person = MembershipFactory(org=org)
    for days in (10, 20, 100, 120, 150, 200):
        _came(person, _held(org, days))
    f = _figures(org)[person.pk]
    assert (f.current, f.previous, f.total) == (2, 3, 6)


def test_event_summary_per_type(org):
    people = MembershipFactory.create_batch(3, org=org)
    talk, workshop, old = _held(org, 5, "talk"), _held(org, 6, "workshop"), _held(org, 200, "talk")
    for person in people:
        _came(person, talk)
    _came(people[0], workshop)
    _came(people[0], old)
    rows = {r.event_type: r for r in insights.event_summary(org=org, period=_period())}
    assert (rows["talk"].events, rows["talk"].attendees, rows["talk"].average) == (1, 3, 3.0)
    assert (rows["workshop"].events, rows["workshop"].attendees) == (1, 1)
    assert insights.org_event_count(org=org, period=_period("range=all")) == 3


def test_leaderboard_ranks_by_score_then_events(org):
    high, low, unscored_active, _idle = MembershipFactory.create_batch(4, org=org)
    _score(high, 80, "highly_engaged")
    _score(low, 20, "at_risk")
    _came(unscored_active, _held(org, 3))
    board = insights.leaderboard(list(_figures(org).values()))
    assert [row.member.membership_id for row in board] == [high.pk, low.pk, unscored_active.pk]
    assert [row.rank for row in board] == [1, 2, 3]


@pytest.mark.parametrize(
    ("current", "previous", "trend"),
    [(5, 2, "rising"), (2, 0, "rising"), (1, 4, "declining"), (3, 4, "stable"), (1, 1, "stable")],
)
def test_trend(current, previous, trend):
    assert insights.trend_of(current, previous) == trend


def test_company_view_groups_by_stated_company_or_work_domain(org):
    a1 = MembershipFactory(org=org, company="Acme GmbH")
    a2 = MembershipFactory(org=org, email="b@acme-gmbh.example", company="Acme GmbH")
    MembershipFactory(org=org, email="x@initech.io", user=None, status="member")
    MembershipFactory(org=org, email="someone@gmail.com", user=None, status="member")
    _came(a1, _held(org, 3))
    _came(a2, _held(org, 4))
    rows = {r.company: r for r in insights.by_company(org=org, period=_period())}
    assert set(rows) == {"Acme GmbH", "initech.io"}
    assert (rows["Acme GmbH"].people, rows["Acme GmbH"].events) == (2, 2)


def test_company_view_is_empty_without_company_data(org):
    MembershipFactory.create_batch(3, org=org)  # example.org addresses: a freemail-like domain
    assert insights.by_company(org=org, period=_period()) == []


def _advocate(org, **score):
    person = MembershipFactory(org=org)
    for days in (5, 15, 25):
        _came(person, _held(org, days), rating=5, feedback="Great")
    _score(person, score.get("score", 75), score.get("level", "highly_engaged"))
    return person


def test_advocacy_candidate_has_why_and_ask(org):
    person = _advocate(org)
    [candidate] = insights.advocacy_candidates(list(_figures(org).values()))
    assert candidate.member.membership_id == person.pk
    assert "attended 3 events" in candidate.why
    assert "gave feedback 3 times" in candidate.why
    assert candidate.ask_code == "speaker"


def test_completed_program_suggests_hosting(org):
    person = _advocate(org)
    EnrollmentFactory(program=ProgramFactory(org=org), membership=person, status="completed")
    [candidate] = insights.advocacy_candidates(list(_figures(org).values()))
    assert candidate.ask_code == "host"
    assert "completed 1 program" in candidate.why


def test_high_score_without_depth_is_no_advocate(org):
    person = MembershipFactory(org=org)
    for days in (5, 15, 25):
        _came(person, _held(org, days))  # no feedback, no program, no match
    _score(person, 90, "highly_engaged")
    assert insights.advocacy_candidates(list(_figures(org).values())) == []


def test_depth_without_a_high_score_is_no_advocate(org):
    _advocate(org, score=40, level="moderate")
    assert insights.advocacy_candidates(list(_figures(org).values())) == []


def test_override_counts_as_the_level(org, admin):
    person = _advocate(org, score=40, level="moderate")
    EngagementOverride.objects.create(
        org=org, membership=person, level="highly_engaged", reason="Runs our Slack", by=admin
    )
    [candidate] = insights.advocacy_candidates(list(_figures(org).values()))
    assert candidate.member.level == "highly_engaged"


def test_declining_member_is_found_with_the_events_they_missed(org):
    slipping = MembershipFactory(org=org)
    steady = MembershipFactory(org=org)
    for days in (100, 120, 140, 160):
        event = _held(org, days, "reading_group")
        _came(slipping, event)
        _came(steady, event)
    last = _held(org, 60, "reading_group")
    _came(slipping, last)
    _came(steady, last)
    missed = [_held(org, d, "reading_group", title=f"Chapter {d}") for d in (10, 30)]
    for event in missed:
        _came(steady, event)
    _held(org, 20, "social")  # a kind of event they never came to: not "missed"
    [found] = insights.declining(list(_figures(org).values()), org=org, period=_period())
    assert found.member.membership_id == slipping.pk
    assert (found.member.current, found.member.previous) == (1, 4)
    assert {e.pk for e in found.missed} == {e.pk for e in missed}
    # Last attended 60 days ago: engagement calls someone inactive only after 180 days.
    assert (NOW - found.member.last_attended).days == 60


def test_a_small_dip_is_not_declining(org):
    person = MembershipFactory(org=org)
    for days in (100, 120, 140, 10, 30):
        _came(person, _held(org, days))
    assert insights.declining(list(_figures(org).values()), org=org, period=_period()) == []


def test_someone_already_inactive_is_not_listed_as_declining(org):
    person = MembershipFactory(org=org)
    for days in (100, 120, 140):
        _came(person, _held(org, days))
    _score(person, 5, "inactive")
    assert insights.declining(list(_figures(org).values()), org=org, period=_period()) == []


def test_other_orgs_and_people_who_left_are_not_counted(org):
    from tests.factories.orgs import OrganizationFactory

    other = OrganizationFactory()
    outsider = MembershipFactory(org=other)
    _came(outsider, _held(other, 5))
    gone = MembershipFactory(org=org, status="left")
    _came(gone, _held(org, 5))
    assert outsider.pk not in _figures(org)
    assert gone.pk not in _figures(org)


@pytest.mark.parametrize(
    ("query", "key", "notice"),
    [
        ("range=30d", "30d", False),
        ("range=12m", "12m", False),
        ("range=all", "all", False),
        ("range=custom&from=2026-01-01&to=2026-02-01", "custom", False),
        ("range=custom&from=2026-02-01&to=2026-01-01", "custom", True),
        ("range=custom&from=nonsense", "90d", True),
        ("range=custom&from=2026-02-31&to=2026-03-01", "90d", True),
        ("range=custom&from=2999-01-01&to=2999-02-01", "90d", True),
        ("range=7y", "90d", True),
        ("", "90d", False),
    ],
)
def test_period_control_never_fails(query, key, notice):
    period = period_from_params(QueryDict(query), now=NOW)
    assert period.key == key
    assert bool(period.notices) == notice


def test_first_interest():
    assert insights.first_interest("AI safety, gardening") == "AI safety"
    assert insights.first_interest("\n  ,  ") == ""
