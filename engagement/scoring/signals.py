"""Signals for every membership of an org, set-based: one SQL statement, no per-member loop.

Every figure is a count, a percentage, a number of days or a short code — nothing a
person could be recognised by — because this dict is exactly what the LLM is sent
(DESIGN §12). `signals_hash` is taken over a *banded* copy, so the daily run does
not see a change just because a day passed, the org held one more event or an old
event slid out of a window: only a change a person would call news (a band of a
count, of recency, tenure or attendance rate crossed) sends a membership to the
model again. The rationale then cites the figures of the day it was written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection

from orgs.models import Organization

SIGNAL_KEYS = (
    "attended_30d",
    "attended_90d",
    "attended_prev_90d",
    "attended_365d",
    "rsvps_90d",
    "upcoming_rsvps",
    "no_shows_365d",
    "org_events_90d",
    "attendance_rate_90d",
    "event_types_365d",
    "feedback_365d",
    "programs_enrolled",
    "programs_completed",
    "rounds_joined",
    "matches_met",
    "active_months_of_6",
    "trend",
    "days_since_last_activity",
    "tenure_days",
    "profile_completeness",
)

# How /me/engagement/ and the admin page name each signal.
SIGNAL_LABELS = {
    "attended_30d": "Events attended, last 30 days",
    "attended_90d": "Events attended, last 90 days",
    "attended_prev_90d": "Events attended, the 90 days before",
    "attended_365d": "Events attended, last 365 days",
    "rsvps_90d": "RSVPs to events of the last 90 days",
    "upcoming_rsvps": "Upcoming events you RSVPed to",
    "no_shows_365d": "RSVPed but did not come, last year",
    "org_events_90d": "Events the org held, last 90 days",
    "attendance_rate_90d": "Attendance rate, last 90 days (%)",
    "event_types_365d": "Different kinds of event attended",
    "feedback_365d": "Events you rated or commented on",
    "programs_enrolled": "Programs joined",
    "programs_completed": "Programs completed",
    "rounds_joined": "Matching rounds joined",
    "matches_met": "Matches met",
    "active_months_of_6": "Active months, of the last 6",
    "trend": "Trend (last 90 days vs the 90 before)",
    "days_since_last_activity": "Days since last activity",
    "tenure_days": "Days since joining",
    "profile_completeness": "Profile completeness (%)",
    "rules_level": "Rules-based level (hint)",
    "rules_score": "Rules-based score (hint)",
}

# One pass over the org's attendance of the last year (and upcoming events), one over the
# activity log, one over its rollups. Event types and active months are bitmasks
# (`bit_or`, then `bit_count`) instead of COUNT(DISTINCT …), which would sort 300,000 rows.
_SQL = """
WITH m AS (
    SELECT mm.id, mm.joined_at, mm.user_id
    FROM orgs_membership mm
    WHERE mm.org_id = %(org)s AND mm.status <> 'left' {only}
),
ev AS MATERIALIZED (
    SELECT e.id, e.start,
        e.status = 'published' AND e.start <= %(now)s AS past,
        e.status = 'published' AND e.start > %(now)s AS upcoming,
        CASE e.event_type WHEN 'meetup' THEN 1 WHEN 'workshop' THEN 2 WHEN 'talk' THEN 4
            WHEN 'social' THEN 8 WHEN 'reading_group' THEN 16 ELSE 32 END AS type_bit,
        CASE WHEN e.start >= %(d6m)s AND e.start <= %(now)s THEN 1 << (
            extract(year FROM e.start)::int * 12 + extract(month FROM e.start)::int - %(m0)s
        ) ELSE 0 END AS month_bit
    FROM events_event e
    WHERE e.org_id = %(org)s AND e.start > %(d365)s
),
a AS (
    SELECT at.membership_id AS mid,
        count(*) FILTER (WHERE ev.past AND at.attended AND ev.start > %(d30)s) AS attended_30d,
        count(*) FILTER (WHERE ev.past AND at.attended AND ev.start > %(d90)s) AS attended_90d,
        count(*) FILTER (
            WHERE ev.past AND at.attended AND ev.start > %(d180)s AND ev.start <= %(d90)s
        ) AS attended_prev_90d,
        count(*) FILTER (WHERE ev.past AND at.attended) AS attended_365d,
        count(*) FILTER (
            WHERE ev.past AND at.rsvp IN ('going', 'maybe', 'waitlisted') AND ev.start > %(d90)s
        ) AS rsvps_90d,
        count(*) FILTER (WHERE ev.past AND at.rsvp = 'going' AND at.attended IS FALSE)
            AS no_shows_365d,
        bit_or(ev.type_bit) FILTER (WHERE ev.past AND at.attended) AS types,
        count(*) FILTER (WHERE ev.past AND (at.rating IS NOT NULL OR at.feedback <> ''))
            AS feedback_365d,
        count(*) FILTER (WHERE ev.upcoming AND at.rsvp IN ('going', 'maybe')) AS upcoming_rsvps,
        max(ev.start) FILTER (WHERE ev.past AND at.attended) AS last_attended,
        min(ev.start) FILTER (WHERE ev.past AND at.attended) AS first_attended,
        max(at.rsvp_at) FILTER (
            WHERE at.rsvp IN ('going', 'maybe', 'waitlisted') AND at.rsvp_at <= %(now)s
        ) AS last_rsvp,
        bit_or(ev.month_bit) FILTER (WHERE ev.past AND at.attended)
        | coalesce(bit_or(1 << (
            extract(year FROM at.rsvp_at)::int * 12 + extract(month FROM at.rsvp_at)::int
            - %(m0)s
        )) FILTER (
            WHERE at.rsvp IN ('going', 'maybe', 'waitlisted')
              AND at.rsvp_at >= %(d6m)s AND at.rsvp_at <= %(now)s
        ), 0) AS months
    FROM attendance_attendance at
    JOIN ev ON ev.id = at.event_id
    WHERE true {only_at}
    GROUP BY at.membership_id
),
act AS (
    SELECT x.membership_id AS mid,
        count(*) FILTER (WHERE x.kind = 'program_enrolled') AS programs_enrolled,
        count(*) FILTER (WHERE x.kind = 'program_completed') AS programs_completed,
        count(*) FILTER (WHERE x.kind = 'round_joined') AS rounds_joined,
        count(*) FILTER (WHERE x.kind = 'match_met') AS matches_met,
        count(*) FILTER (
            WHERE x.kind = 'feedback' AND x.occurred_at > %(d365)s
        ) AS feedback_log,
        max(x.occurred_at) FILTER (WHERE x.kind NOT IN ('left', 'import')) AS last_act,
        coalesce(bit_or(1 << (
            extract(year FROM x.occurred_at)::int * 12 + extract(month FROM x.occurred_at)::int
            - %(m0)s
        )) FILTER (
            WHERE x.occurred_at >= %(d6m)s AND x.kind NOT IN ('left', 'import', 'joined')
        ), 0) AS months
    FROM engagement_activity x
    WHERE x.org_id = %(org)s AND x.occurred_at <= %(now)s
    GROUP BY x.membership_id
),
roll AS (
    SELECT r.membership_id AS mid,
        coalesce(sum(r.count) FILTER (WHERE r.kind = 'program_enrolled'), 0) AS programs_enrolled,
        coalesce(sum(r.count) FILTER (WHERE r.kind = 'program_completed'), 0)
            AS programs_completed,
        coalesce(sum(r.count) FILTER (WHERE r.kind = 'round_joined'), 0) AS rounds_joined,
        coalesce(sum(r.count) FILTER (WHERE r.kind = 'match_met'), 0) AS matches_met,
        max(r.month) FILTER (WHERE r.kind NOT IN ('left', 'import')) AS last_month,
        coalesce(bit_or(1 << (
            extract(year FROM r.month)::int * 12 + extract(month FROM r.month)::int - %(m0)s
        )) FILTER (
            WHERE r.month >= %(d6m)s::date AND r.kind NOT IN ('left', 'import', 'joined')
        ), 0) AS months
    FROM engagement_activityrollup r
    WHERE r.org_id = %(org)s
    GROUP BY r.membership_id
),
held AS (
    SELECT count(*) AS n FROM ev WHERE ev.past AND ev.start > %(d90)s
)
SELECT m.id,
    coalesce(a.attended_30d, 0),
    coalesce(a.attended_90d, 0),
    coalesce(a.attended_prev_90d, 0),
    coalesce(a.attended_365d, 0),
    coalesce(a.rsvps_90d, 0),
    coalesce(a.upcoming_rsvps, 0),
    coalesce(a.no_shows_365d, 0),
    -- Events held while they were around: since joining (or first coming), within 90 days.
    -- Almost everyone has been around longer, so the per-row count is the rare case.
    CASE WHEN least(m.joined_at, coalesce(a.first_attended, m.joined_at)) <= %(d90)s
        THEN (SELECT n FROM held)
        ELSE (SELECT count(*) FROM ev WHERE ev.past AND ev.start > least(
            m.joined_at, coalesce(a.first_attended, m.joined_at)))
    END,
    bit_count(coalesce(a.types, 0)::bit(8)),
    greatest(coalesce(a.feedback_365d, 0), coalesce(act.feedback_log, 0)),
    coalesce(act.programs_enrolled, 0) + coalesce(roll.programs_enrolled, 0),
    coalesce(act.programs_completed, 0) + coalesce(roll.programs_completed, 0),
    coalesce(act.rounds_joined, 0) + coalesce(roll.rounds_joined, 0),
    coalesce(act.matches_met, 0) + coalesce(roll.matches_met, 0),
    bit_count((coalesce(a.months, 0) | coalesce(act.months, 0) | coalesce(roll.months, 0))::bit(8)),
    greatest(
        a.last_attended,
        a.last_rsvp,
        act.last_act,
        (roll.last_month + interval '1 month' - interval '1 second')::timestamptz
    ) AS last_active,
    floor(extract(epoch FROM (%(now)s - m.joined_at)) / 86400)::int AS tenure_days,
    CASE WHEN p.id IS NULL THEN NULL ELSE (
        (p.headline <> '')::int + (p.bio <> '')::int + (p.city <> '')::int
        + (cardinality(p.skills) > 0)::int + (p.interests <> '')::int
        + (p.career_stage <> '')::int + (u.name <> '')::int
    ) END AS profile_fields
FROM m
LEFT JOIN a ON a.mid = m.id
LEFT JOIN act ON act.mid = m.id
LEFT JOIN roll ON roll.mid = m.id
LEFT JOIN accounts_user u ON u.id = m.user_id
LEFT JOIN accounts_profile p ON p.user_id = m.user_id
"""

PROFILE_FIELDS = 7


@dataclass(frozen=True)
class MemberSignals:
    membership_id: int
    signals: dict
    signals_hash: str
    last_active_at: datetime | None


def _trend(recent: int, before: int) -> str:
    if recent == 0 and before == 0:
        return "none"
    if recent > before:
        return "up"
    if recent < before:
        return "down"
    return "flat"


_HASHED = tuple(key for key in SIGNAL_KEYS if key != "org_events_90d")
RECENCY_EDGES = (7, 30, 60, 90, 180, 365)
TENURE_EDGES = (30, 90, 365)
# Counts move one by one as events slide out of a window; for someone who came to 9
# events, 8 is no news. Small counts stay exact (0, 1, 2 matter), larger ones by band.
COUNT_EDGES = (0, 1, 2, 4, 7, 12, 20)
_COUNTS = {
    "attended_30d", "attended_90d", "attended_prev_90d", "attended_365d", "rsvps_90d",
    "upcoming_rsvps", "no_shows_365d", "event_types_365d", "feedback_365d",
    "programs_enrolled", "programs_completed", "rounds_joined", "matches_met",
}  # fmt: skip


def _band(value: int | None, edges: tuple[int, ...]) -> int | None:
    if value is None:
        return None
    return next((edge for edge in edges if value <= edge), edges[-1] + 1)


def signals_hash(signals: dict) -> str:
    """Hash a coarse copy of the signals (see the module docstring).

    Every event the org holds moves everyone's denominator (`org_events_90d`), so it is
    left out and the attendance rate counts only by quarters; recency, tenure, counts,
    active months and profile completeness count by bands. Otherwise a busy org (an
    event every few days) would resend most members daily as events slide out of the
    30/90/365-day windows.
    """
    values = []
    for key in _HASHED:
        value = signals.get(key)
        if key == "days_since_last_activity":
            value = _band(value, RECENCY_EDGES)
        elif key == "tenure_days":
            value = _band(value, TENURE_EDGES)
        elif key in _COUNTS:
            value = _band(value, COUNT_EDGES)
        elif key == "active_months_of_6":
            value = (value + 1) // 2
        elif key in ("attendance_rate_90d", "profile_completeness") and value is not None:
            value = min(3, value // 25)
        values.append(value)
    return hashlib.blake2b(repr(values).encode(), digest_size=20).hexdigest()


def org_signals(
    *, org: Organization, now: datetime, membership_ids: list[int] | None = None
) -> list[MemberSignals]:
    """Compute the signals of every membership of `org` (or just `membership_ids`) at `now`.

    One SQL statement; cost grows with the org's attendance rows, not with a
    query per member.
    """
    params = {
        "org": org.pk,
        "now": now,
        "d30": now - timedelta(days=30),
        "d90": now - timedelta(days=90),
        "d180": now - timedelta(days=180),
        "d365": now - timedelta(days=365),
        # The first day of the month five months back: "the last 6 months" incl. this one.
        "d6m": _months_back(now, 5),
    }
    params.update(_extra_params(now))
    only = only_at = ""
    if membership_ids is not None:
        only = "AND mm.id = ANY(%(ids)s)"
        only_at = "AND at.membership_id = ANY(%(ids)s)"
        params["ids"] = list(membership_ids)
    with connection.cursor() as cursor:
        cursor.execute(_SQL.format(only=only, only_at=only_at), params)
        rows = cursor.fetchall()
    result = []
    for row in rows:
        (mid, a30, a90, aprev, a365, rsvps, upcoming, noshow, org_events, types, feedback,
         enrolled, completed, rounds, matches, months, last_active, tenure, profile,
         ) = row  # fmt: skip
        rate = None if not org_events else min(100, round(100 * a90 / org_events))
        days_since = None if last_active is None else max(0, (now - last_active).days)
        signals = {
            "attended_30d": a30,
            "attended_90d": a90,
            "attended_prev_90d": aprev,
            "attended_365d": a365,
            "rsvps_90d": rsvps,
            "upcoming_rsvps": upcoming,
            "no_shows_365d": noshow,
            "org_events_90d": org_events,
            "attendance_rate_90d": rate,
            "event_types_365d": types,
            "feedback_365d": feedback,
            "programs_enrolled": enrolled,
            "programs_completed": completed,
            "rounds_joined": rounds,
            "matches_met": matches,
            "active_months_of_6": months,
            "trend": _trend(a90, aprev),
            "days_since_last_activity": days_since,
            "tenure_days": max(0, tenure),
            "profile_completeness": (
                None if profile is None else round(100 * profile / PROFILE_FIELDS)
            ),
        }
        result.append(
            MemberSignals(
                membership_id=mid,
                signals=signals,
                signals_hash=signals_hash(signals),
                last_active_at=last_active,
            )
        )
    return result


def _extra_params(now: datetime) -> dict:
    """`m0`: the month index (year × 12 + month) of bit 0 of the active-months mask."""
    start = _months_back(now, 5)
    return {"m0": start.year * 12 + start.month}


def _months_back(now: datetime, months: int) -> datetime:
    year, month = now.year, now.month - months
    while month <= 0:
        month += 12
        year -= 1
    return now.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
