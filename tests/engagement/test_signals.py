"""Signals in SQL and the rules score: what each membership's numbers say."""

import datetime

import pytest

from engagement.models import Activity, ActivityRollup
from engagement.scoring.rules import rules_result
from engagement.scoring.signals import org_signals, signals_hash
from engagement.services import activity_record
from engagement.services.jobs import activity_rollup
from tests.engagement.conftest import past
from tests.engagement.history import attend, event_at
from tests.factories.orgs import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _by_id(org, now):
    return {s.membership_id: s for s in org_signals(org=org, now=now)}


def test_signals_count_attendance_windows_no_shows_and_diversity(org, now):
    m = MembershipFactory(org=org, joined_at=past(now, 400))
    e10 = event_at(org, past(now, 10), "workshop")
    e50 = event_at(org, past(now, 50), "talk")
    e120 = event_at(org, past(now, 120), "meetup")
    e200 = event_at(org, past(now, 200), "meetup")
    e60 = event_at(org, past(now, 60))
    attend(m, e10, rating=5)
    attend(m, e50)
    attend(m, e120)
    attend(m, e200)
    attend(m, e60, attended=False)
    other_org_event = event_at(OrganizationFactory(), past(now, 5))
    attend(MembershipFactory(org=other_org_event.org), other_org_event)

    s = _by_id(org, now)[m.pk].signals

    assert s["attended_30d"] == 1
    assert s["attended_90d"] == 2
    assert s["attended_prev_90d"] == 1
    assert s["attended_365d"] == 4
    assert s["no_shows_365d"] == 1
    assert s["org_events_90d"] == 3  # e10, e50, e60
    assert s["attendance_rate_90d"] == 67
    assert s["event_types_365d"] == 3
    assert s["feedback_365d"] == 1
    assert s["trend"] == "up"
    assert s["days_since_last_activity"] == 10
    assert s["tenure_days"] == 400


def test_signals_read_programs_and_matches_from_the_log_and_its_rollups(org, now):
    m = MembershipFactory(org=org, joined_at=past(now, 300))
    activity_record(membership=m, kind="program_enrolled", occurred_at=past(now, 150))
    activity_record(membership=m, kind="program_completed", occurred_at=past(now, 100))
    activity_record(membership=m, kind="match_met", occurred_at=past(now, 20))
    before = _by_id(org, now)[m.pk].signals

    activity_rollup(now=now)

    assert ActivityRollup.objects.filter(membership=m).count() == 2
    assert Activity.objects.filter(membership=m, kind="program_enrolled").count() == 0
    after = _by_id(org, now)[m.pk].signals
    for key in ("programs_enrolled", "programs_completed", "matches_met", "active_months_of_6"):
        assert after[key] == before[key], key
    assert after["programs_enrolled"] == 1
    assert after["matches_met"] == 1


def test_rollup_twice_counts_each_activity_once(org, now):
    m = MembershipFactory(org=org)
    for days in (100, 101, 102):
        activity_record(membership=m, kind="rsvp", occurred_at=past(now, days))
    activity_rollup(now=now)
    activity_rollup(now=now)
    assert (
        sum(
            ActivityRollup.objects.filter(membership=m, kind="rsvp").values_list("count", flat=True)
        )
        == 3
    )


def test_hash_ignores_a_day_passing_but_not_new_activity(org, now):
    m = MembershipFactory(org=org, joined_at=past(now, 200))
    attend(m, event_at(org, past(now, 40)))
    today = _by_id(org, now)[m.pk]
    tomorrow = _by_id(org, now + datetime.timedelta(days=1))[m.pk]
    assert today.signals["days_since_last_activity"] != tomorrow.signals["days_since_last_activity"]
    assert today.signals_hash == tomorrow.signals_hash
    attend(m, event_at(org, past(now, 2)))
    assert _by_id(org, now)[m.pk].signals_hash != today.signals_hash
    assert signals_hash(today.signals) == today.signals_hash


def test_rules_levels_spread_from_regulars_to_inactive(org, now):
    regular = MembershipFactory(org=org, joined_at=past(now, 300))
    fading = MembershipFactory(org=org, joined_at=past(now, 300))
    gone = MembershipFactory(org=org, joined_at=past(now, 600))
    newcomer = MembershipFactory(org=org, joined_at=past(now, 5))
    for days in (5, 20, 35, 50, 65, 80, 100, 130, 160):
        event = event_at(org, past(now, days), "workshop" if days % 2 else "talk")
        attend(regular, event, rating=4 if days < 40 else None)
    for days in (100, 130, 160):
        attend(fading, event_at(org, past(now, days + 1)))
    attend(gone, event_at(org, past(now, 300)))

    signals = _by_id(org, now)
    levels = {m: rules_result(signals[m.pk].signals) for m in (regular, fading, gone, newcomer)}

    assert levels[regular].level == "highly_engaged"
    assert levels[fading].level == "at_risk"
    assert levels[gone].level == "inactive"
    assert levels[newcomer].level == "new"
    assert levels[regular].score > levels[fading].score > levels[gone].score
    assert "Attended 6 events in the last 90 days" in levels[regular].rationale


def test_an_empty_org_has_no_signals(now):
    assert org_signals(org=OrganizationFactory(), now=now) == []
