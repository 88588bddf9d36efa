"""Insights for org admins (DESIGN §5 `/admin/insights/`, PRD-018), computed set-based.

One SQL statement gathers per-member figures for the whole org (attendance in the
period and the one before it, feedback, event types, programs completed, matches met,
score and effective level); the leaderboard, the company view, advocacy candidates and
declining engagement are then ranked from those rows in Python — no query per member.
`bench/insights.py` holds the whole page under 1 s for 20,000 members.

The rules (each has a test that triggers it and one that does not):

- **trend**: current vs previous period: *rising* when current ≥ previous + 2 and ≥ 1.25×
  previous; *declining* when previous ≥ 2 and current ≤ half of it; else *stable*;
- **advocacy candidate**: score ≥ 60 (or level highly engaged), ≥ 3 events attended in
  all, and depth — feedback on ≥ 2 events, a program completed, or a match met;
- **declining engagement**: ≥ 3 events in the previous period and at most half as many
  in the current one, not yet inactive, still a member (90 days vs the 90 before when
  the range is "all time"). Engagement marks someone inactive after 180 days without
  activity, so this fires months before that.
"""

# The SQL below is built by concatenating our own constant strings, never input; every
# value goes as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import Count, Q

from attendance.models import Attendance
from crm.selectors.period import Period
from events.models import Event
from orgs.models import Organization

ADVOCACY_MIN_SCORE = 60
ADVOCACY_MIN_EVENTS = 3
DECLINE_MIN_PREVIOUS = 3
LEADERBOARD_SIZE = 25
LIST_SIZE = 20

# Webmail domains say nothing about where someone works.
FREEMAIL = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "gmx.com",
        "web.de",
        "posteo.de",
        "mail.com",
        "yandex.ru",
        "yandex.com",
        "zoho.com",
        "fastmail.com",
        "hey.com",
        "t-online.de",
        "example.com",
        "example.org",
        "example.net",
    ]
)


@dataclass
class MemberFigures:
    membership_id: int
    name: str
    email: str
    company: str
    score: int | None
    level: str | None
    current: int
    previous: int
    total: int
    feedback: int
    event_types: int
    programs_completed: int
    matches_met: int
    last_attended: datetime | None

    @property
    def trend(self) -> str:
        return trend_of(self.current, self.previous)

    @property
    def company_key(self) -> str:
        return company_of(self.company, self.email)


def trend_of(current: int, previous: int) -> str:
    if current >= previous + 2 and current >= 1.25 * previous:
        return "rising"
    if previous >= 2 and current <= previous / 2:
        return "declining"
    return "stable"


def company_of(company: str, email: str) -> str:
    """The company a membership belongs to: the stated one, else a work email's domain."""
    company = " ".join((company or "").split())
    if company:
        return company
    domain = (email or "").rpartition("@")[2].lower()
    if not domain or domain in FREEMAIL or domain.endswith((".edu", ".ac.uk")):
        return ""
    return domain


_MEMBERS_CTE = """
WITH att AS (
    SELECT a.membership_id,
           COUNT(*) FILTER (WHERE e.start >= %(cur_start)s AND e.start < %(cur_end)s) AS cur,
           COUNT(*) FILTER (WHERE e.start >= %(prev_start)s AND e.start < %(cur_start)s) AS prev,
           COUNT(*) AS total,
           COUNT(*) FILTER (WHERE a.rating IS NOT NULL OR a.feedback <> '') AS feedback,
           -- Distinct event types as a bit set: aggregates by hash, where COUNT(DISTINCT)
           -- would sort every attended row.
           length(replace(bit_or({type_bits})::bit(16)::text, '0', '')) AS types,
           MAX(e.start) AS last_attended
    FROM attendance_attendance a
    JOIN events_event e ON e.id = a.event_id
    WHERE e.org_id = %(org)s AND a.attended AND e.start < %(cur_end)s
    GROUP BY a.membership_id
), prog AS (
    SELECT en.membership_id, COUNT(*) AS completed
    FROM crm_enrollment en JOIN crm_program p ON p.id = en.program_id
    WHERE p.org_id = %(org)s AND en.status = 'completed'
    GROUP BY en.membership_id
), met AS (
    SELECT membership_id, COUNT(*) AS matches
    FROM engagement_activity
    WHERE org_id = %(org)s AND kind = 'match_met'
    GROUP BY membership_id
), fig AS (
    SELECT m.id, COALESCE(NULLIF(u.name, ''), m.name, '') AS name, m.email, m.company,
           s.score, COALESCE(o.level, s.level) AS level,
           COALESCE(att.cur, 0) AS cur, COALESCE(att.prev, 0) AS prev,
           COALESCE(att.total, 0) AS total, COALESCE(att.feedback, 0) AS feedback,
           COALESCE(att.types, 0) AS types, COALESCE(prog.completed, 0) AS completed,
           COALESCE(met.matches, 0) AS matches, att.last_attended
    FROM orgs_membership m
    LEFT JOIN accounts_user u ON u.id = m.user_id
    LEFT JOIN engagement_engagementscore s ON s.membership_id = m.id
    LEFT JOIN engagement_engagementoverride o
           ON o.membership_id = m.id AND o.cleared_at IS NULL
    LEFT JOIN att ON att.membership_id = m.id
    LEFT JOIN prog ON prog.membership_id = m.id
    LEFT JOIN met ON met.membership_id = m.id
    WHERE m.org_id = %(org)s AND m.status = 'member' AND m.anonymised_at IS NULL
)
"""

_MEMBERS_CTE = _MEMBERS_CTE.replace(
    "{type_bits}",
    "CASE e.event_type "
    + " ".join(f"WHEN '{value}' THEN {1 << i}" for i, value in enumerate(Event.EventType.values))
    + " ELSE 32768 END",
)

# Only the rows some list can show: the SQL conditions are the Python rules below
# (`leaderboard`, `advocacy_candidates`, `declining`), so those functions rank the same
# people whether they get every member or just these.
_FIGURES_SQL = (
    _MEMBERS_CTE
    + """
, flagged AS (
    SELECT fig.*,
        (score IS NOT NULL OR cur > 0) AS ranked,
        ((COALESCE(score, 0) >= %(adv_score)s OR level = 'highly_engaged')
          AND total >= %(adv_events)s AND (feedback >= 2 OR completed > 0 OR matches > 0))
          AS advocate,
        (prev >= %(dec_prev)s AND cur * 2 <= prev AND level IS DISTINCT FROM 'inactive')
          AS slipping
    FROM fig
), ranks AS (
    SELECT flagged.*,
        row_number() OVER (PARTITION BY ranked
                           ORDER BY COALESCE(score, 0) DESC, cur DESC, total DESC,
                                    lower(name)) AS board_rank,
        row_number() OVER (PARTITION BY advocate ORDER BY COALESCE(score, 0) DESC, total DESC)
          AS advocate_rank,
        row_number() OVER (PARTITION BY slipping ORDER BY cur - prev, lower(name))
          AS slipping_rank
    FROM flagged
)
SELECT id, name, email, company, score, level, cur, prev, total, feedback, types, completed,
       matches, last_attended
FROM ranks
WHERE (ranked AND board_rank <= %(size)s)
   OR (advocate AND advocate_rank <= %(size)s)
   OR (slipping AND slipping_rank <= %(size)s)
"""
)


def _params(org: Organization, period: Period) -> dict:
    recent, previous = period.recent(), period.previous()
    return {
        "org": org.pk,
        "cur_start": recent.start,
        "cur_end": recent.end,
        "prev_start": previous.start,
        "adv_score": ADVOCACY_MIN_SCORE,
        "adv_events": ADVOCACY_MIN_EVENTS,
        "dec_prev": DECLINE_MIN_PREVIOUS,
        "size": LEADERBOARD_SIZE,
    }


def member_figures(*, org: Organization, period: Period) -> list[MemberFigures]:
    """Figures of the members any list can show (leaderboard, advocates, declining).

    One statement over the whole org; at most 3 × 25 rows come back, however many
    members there are.
    """
    with connection.cursor() as cursor:
        cursor.execute(_FIGURES_SQL, _params(org, period))
        rows = cursor.fetchall()
    return [MemberFigures(*row) for row in rows]


@dataclass
class EventTypeSummary:
    event_type: str
    label: str
    events: int
    attendees: int
    rsvps: int

    @property
    def average(self) -> float:
        return round(self.attendees / self.events, 1) if self.events else 0.0


def event_summary(*, org: Organization, period: Period) -> list[EventTypeSummary]:
    """Per event type: events held in the period, attendees, average attendance."""
    events = Event.objects.filter(org=org, status=Event.Status.PUBLISHED, start__lt=period.end)
    if period.start:
        events = events.filter(start__gte=period.start)
    rows = (
        events.values("event_type")
        .annotate(
            n_events=Count("pk", distinct=True),
            n_attendees=Count("attendances", filter=Q(attendances__attended=True)),
            n_rsvps=Count("attendances", filter=Q(attendances__rsvp__in=Attendance.INTERESTED)),
        )
        .order_by("-n_events")
    )
    labels = dict(Event.EventType.choices)
    return [
        EventTypeSummary(
            r["event_type"],
            labels.get(r["event_type"], r["event_type"]),
            r["n_events"],
            r["n_attendees"],
            r["n_rsvps"],
        )
        for r in rows
    ]


def org_event_count(*, org: Organization, period: Period) -> int:
    events = Event.objects.filter(org=org, status=Event.Status.PUBLISHED, start__lt=period.end)
    if period.start:
        events = events.filter(start__gte=period.start)
    return events.count()


@dataclass
class LeaderRow:
    rank: int
    member: MemberFigures


def leaderboard(figures: list[MemberFigures], *, size: int = LEADERBOARD_SIZE) -> list[LeaderRow]:
    """Members by score (then events in the period); people with neither are left out."""
    ranked = sorted(
        (f for f in figures if f.score is not None or f.current),
        key=lambda f: (-(f.score or 0), -f.current, -f.total, f.name.lower()),
    )
    return [LeaderRow(i + 1, f) for i, f in enumerate(ranked[:size])]


@dataclass
class CompanyRow:
    company: str
    people: int
    events: int
    average_score: int | None
    top: list[str] = field(default_factory=list)


_COMPANIES_SQL = (
    _MEMBERS_CTE
    + """
, keyed AS (
    SELECT fig.*, COALESCE(
        NULLIF(regexp_replace(btrim(company), '\\s+', ' ', 'g'), ''),
        CASE WHEN split_part(lower(email), '@', 2) <> ''
              AND NOT (split_part(lower(email), '@', 2) = ANY(%(freemail)s))
              AND split_part(lower(email), '@', 2) NOT LIKE '%%.edu'
              AND split_part(lower(email), '@', 2) NOT LIKE '%%.ac.uk'
             THEN split_part(lower(email), '@', 2) END
    ) AS company_key
    FROM fig
)
SELECT company_key, COUNT(*) AS people, SUM(cur) AS events, ROUND(AVG(score)) AS avg_score,
       (array_agg(COALESCE(NULLIF(name, ''), email)
                  ORDER BY COALESCE(score, 0) DESC, cur DESC))[1:3] AS top,
       COUNT(*) OVER () AS companies
FROM keyed
WHERE company_key IS NOT NULL
GROUP BY company_key
ORDER BY SUM(cur) DESC, AVG(score) DESC NULLS LAST, COUNT(*) DESC, lower(company_key)
LIMIT %(size)s
"""
)


def by_company(*, org: Organization, period: Period) -> list[CompanyRow]:
    """PRD-018's customer view: people, events in the period and average score per company.

    A membership's company is the one stated (imports fill it), else its email's domain
    unless that is a webmail or university address. Empty when fewer than two companies
    are known (the data does not have it).
    """
    params = {**_params(org, period), "freemail": sorted(FREEMAIL)}
    with connection.cursor() as cursor:
        cursor.execute(_COMPANIES_SQL, params)
        rows = cursor.fetchall()
    if not rows or rows[0][5] < 2:
        return []
    return [
        CompanyRow(
            company=key,
            people=people,
            events=events or 0,
            average_score=int(avg) if avg is not None else None,
            top=list(top or []),
        )
        for key, people, events, avg, top, _ in rows
    ]


@dataclass
class AdvocacyCandidate:
    member: MemberFigures
    why: str
    ask: str
    ask_code: str


def _plural(n: int, word: str, plural: str = "") -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def advocacy_candidates(
    figures: list[MemberFigures], *, size: int = LIST_SIZE
) -> list[AdvocacyCandidate]:
    """Highly engaged members with depth, each with why and a suggested ask."""
    found = []
    for f in figures:
        high = (f.score or 0) >= ADVOCACY_MIN_SCORE or f.level == "highly_engaged"
        depth = f.feedback >= 2 or f.programs_completed or f.matches_met
        if not (high and depth and f.total >= ADVOCACY_MIN_EVENTS):
            continue
        facts = [f"attended {_plural(f.total, 'event')}"]
        if f.programs_completed:
            facts.append(f"completed {_plural(f.programs_completed, 'program')}")
        if f.feedback:
            facts.append(f"gave feedback {_plural(f.feedback, 'time')}")
        if f.matches_met:
            facts.append(f"met {_plural(f.matches_met, 'match', 'matches')}")
        if f.programs_completed:
            ask, code = "Ask them to host a reading group", "host"
        elif f.matches_met:
            ask, code = "Ask them to mentor newcomers", "mentor"
        elif f.feedback >= 3 and f.event_types >= 2:
            ask, code = "Ask for a case study or testimonial", "case_study"
        else:
            ask, code = "Invite them to speak at an event", "speaker"
        why = f"Score {f.score if f.score is not None else '—'}; " + ", ".join(facts) + "."
        found.append(AdvocacyCandidate(f, why[0].upper() + why[1:], ask, code))
    found.sort(key=lambda c: (-(c.member.score or 0), -c.member.total))
    return found[:size]


@dataclass
class Decliner:
    member: MemberFigures
    missed: list[Event] = field(default_factory=list)
    missed_count: int = 0


def declining(
    figures: list[MemberFigures], *, org: Organization, period: Period, size: int = LIST_SIZE
) -> list[Decliner]:
    """Members whose attendance fell to half or less of their own previous period."""
    found = [
        f
        for f in figures
        if f.previous >= DECLINE_MIN_PREVIOUS
        and f.current * 2 <= f.previous
        and f.level != "inactive"
    ]
    found.sort(key=lambda f: (f.current - f.previous, f.name.lower()))
    found = found[:size]
    return _with_missed(found, org=org, period=period.recent()) if found else []


def _with_missed(found: list[MemberFigures], *, org: Organization, period: Period):
    """Attach the events of types they used to attend that they missed in the period."""
    ids = [f.membership_id for f in found]
    types: dict[int, set[str]] = defaultdict(set)
    for membership_id, event_type in (
        Attendance.objects.filter(membership_id__in=ids, attended=True, event__org=org)
        .values_list("membership_id", "event__event_type")
        .distinct()
    ):
        types[membership_id].add(event_type)
    held = list(
        Event.objects.filter(
            org=org, status=Event.Status.PUBLISHED, start__gte=period.start, start__lt=period.end
        ).order_by("-start")
    )
    came = set(
        Attendance.objects.filter(membership_id__in=ids, attended=True, event__in=held).values_list(
            "membership_id", "event_id"
        )
    )
    result = []
    for f in found:
        missed = [
            e
            for e in held
            if e.event_type in types[f.membership_id] and (f.membership_id, e.pk) not in came
        ]
        result.append(Decliner(f, missed[:3], len(missed)))
    return result


_INTEREST_SPLIT = re.compile(r"[,;\n·|/]+")


def first_interest(text: str) -> str:
    """The first interest a member listed ("AI safety" from "AI safety, gardening")."""
    for part in _INTEREST_SPLIT.split(text or ""):
        part = " ".join(part.split()).strip(" .")
        if 2 <= len(part) <= 60:
            return part
    return ""
