"""Reads for personal invitations: conversion invited → RSVPed → attended.

RSVP and attendance are read from `attendance` when shown (never copied onto the
invitation), so a member who RSVPs from the email, the event page or lu.ma counts the
same. "RSVPed" means going, maybe or waitlisted *after* the invitation was sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from attendance.models import Attendance
from crm.models import Invitation
from events.models import Event
from orgs.models import Organization


@dataclass
class Conversion:
    invited: int = 0
    rsvped: int = 0
    attended: int = 0
    has_ended: bool = False

    @property
    def rsvp_rate(self) -> int:
        return round(100 * self.rsvped / self.invited) if self.invited else 0

    @property
    def attend_rate(self) -> int:
        return round(100 * self.attended / self.invited) if self.invited else 0


def _annotated(invitations):
    answered = Attendance.objects.filter(
        event=OuterRef("event"),
        membership=OuterRef("membership"),
        rsvp__in=Attendance.INTERESTED,
        rsvp_at__gte=OuterRef("sent_at"),
    )
    came = Attendance.objects.filter(
        event=OuterRef("event"), membership=OuterRef("membership"), attended=True
    )
    return invitations.annotate(rsvped=Exists(answered), came=Exists(came))


def invitation_conversion(*, event_ids) -> dict[int, Conversion]:
    """Conversion per event for `event_ids`, in one query."""
    rows = (
        _annotated(Invitation.objects.filter(event_id__in=list(event_ids)))
        .values("event_id", "event__end")
        .annotate(
            invited=Count("pk"),
            n_rsvped=Count("pk", filter=Q(rsvped=True)),
            n_came=Count("pk", filter=Q(came=True)),
        )
    )
    now = timezone.now()
    return {
        row["event_id"]: Conversion(
            invited=row["invited"],
            rsvped=row["n_rsvped"],
            attended=row["n_came"],
            has_ended=row["event__end"] <= now,
        )
        for row in rows
    }


@dataclass
class EventConversion:
    event: Event
    conversion: Conversion


def org_conversion(
    *, org: Organization, since: datetime | None = None, limit: int = 10
) -> tuple[Conversion, list[EventConversion]]:
    """Totals and the latest events with invitations sent since `since`."""
    invitations = Invitation.objects.for_org(org)
    if since is not None:
        invitations = invitations.filter(sent_at__gte=since)
    event_ids = list(invitations.order_by("event_id").values_list("event_id", flat=True).distinct())
    by_event = invitation_conversion(event_ids=event_ids)
    total = Conversion(
        invited=sum(c.invited for c in by_event.values()),
        rsvped=sum(c.rsvped for c in by_event.values()),
        attended=sum(c.attended for c in by_event.values()),
        has_ended=True,
    )
    events = Event.objects.filter(org=org, pk__in=event_ids).order_by("-start")[:limit]
    return total, [EventConversion(e, by_event[e.pk]) for e in events]


def invited_membership_ids(*, event: Event) -> set[int]:
    return set(Invitation.objects.filter(event=event).values_list("membership_id", flat=True))


# How "whom to invite" weighs fit (sums to 1). Re-engaging people at risk is a goal, so
# their level adds to the fit instead of taking from it.
WEIGHT_SAME_TYPE = 0.45
WEIGHT_INTEREST = 0.35
WEIGHT_LEVEL = 0.20
LEVEL_FIT = {
    "at_risk": 1.0,
    "new": 0.8,
    "moderate": 0.7,
    "highly_engaged": 0.5,
    "inactive": 0.4,
}
UNSCORED_FIT = 0.3
SAME_TYPE_CAP = 4
UPCOMING_EVENTS = 5
PER_EVENT = 8

# One statement for all the upcoming events: the same-type counts are one pass over the
# org's attendance, and each event keeps its best `limit` candidates (row_number()).
_RECOMMEND_SQL = """
WITH ev AS (
    SELECT e.id, e.event_type, t.vector
    FROM events_event e LEFT JOIN crm_eventtopicvector t ON t.event_id = e.id
    WHERE e.org_id = %(org)s AND e.id = ANY(%(events)s)
), same_type AS (
    SELECT a.membership_id, e.event_type, COUNT(*) AS n
    FROM attendance_attendance a JOIN events_event e ON e.id = a.event_id
    WHERE e.org_id = %(org)s AND a.attended AND e.event_type IN (SELECT event_type FROM ev)
    GROUP BY a.membership_id, e.event_type
), answered AS (
    SELECT event_id, membership_id FROM attendance_attendance
    WHERE event_id = ANY(%(events)s) AND rsvp <> 'none'
    UNION
    SELECT event_id, membership_id FROM crm_invitation WHERE event_id = ANY(%(events)s)
), people AS MATERIALIZED (
    -- Once per member (not per member and event): vector and effective level.
    SELECT m.id, v.vector, COALESCE(o.level, s.level) AS level
    FROM orgs_membership m
    LEFT JOIN crm_memberinterestvector v ON v.membership_id = m.id
    LEFT JOIN engagement_engagementscore s ON s.membership_id = m.id
    LEFT JOIN engagement_engagementoverride o
           ON o.membership_id = m.id AND o.cleared_at IS NULL
    WHERE m.org_id = %(org)s AND m.status = 'member' AND m.user_id IS NOT NULL
      AND NOT m.muted {only}
), pairs AS MATERIALIZED (
    -- Every (event, member) pair with its similarity, narrow (no vectors past here).
    SELECT ev.id AS event_id, ev.event_type, p.id, p.level,
           CASE WHEN p.vector IS NULL OR ev.vector IS NULL THEN NULL
                ELSE 1 - (p.vector <=> ev.vector) END AS similarity
    FROM ev CROSS JOIN people p
), candidates AS (
    SELECT pairs.event_id, pairs.id, COALESCE(st.n, 0) AS same_type, pairs.similarity,
           pairs.level
    FROM pairs
    LEFT JOIN same_type st ON st.membership_id = pairs.id AND st.event_type = pairs.event_type
    LEFT JOIN answered x ON x.event_id = pairs.event_id AND x.membership_id = pairs.id
    WHERE x.event_id IS NULL
), scored AS (
    SELECT event_id, id, same_type, similarity, level,
           %(w_type)s * LEAST(same_type, %(cap)s)::float / %(cap)s
           + %(w_interest)s * GREATEST(COALESCE(similarity, 0), 0)
           + %(w_level)s * CASE level {level_cases} ELSE %(unscored)s END AS fit
    FROM candidates
    {threshold}
), ranked AS (
    SELECT scored.*, row_number() OVER (PARTITION BY event_id ORDER BY fit DESC, id) AS rk
    FROM scored
)
SELECT event_id, id, same_type, similarity, level, fit FROM ranked
WHERE rk <= %(limit)s
ORDER BY event_id, rk
"""

MIN_SIMILARITY = 0.25


@dataclass
class Recommendation:
    membership: object
    fit: float
    same_type: int
    similarity: float | None
    level: str | None
    reason: str  # for the admin
    because: str  # for the email: "Based on your interest in …"


@dataclass
class EventRecommendations:
    event: Event
    recommendations: list[Recommendation]
    conversion: Conversion


def _level_cases() -> str:
    return " ".join(f"WHEN '{level}' THEN {fit}" for level, fit in LEVEL_FIT.items())


def recommendations_for(
    *,
    org: Organization,
    events: list[Event],
    limit: int = PER_EVENT,
    only_ids: list[int] | None = None,
) -> dict[int, list[Recommendation]]:
    """For each of `events` (of `org`): members who have not RSVPed or been invited,
    ranked by fit, each with a reason for the admin and a line for the email.

    With `only_ids`, the same judgement for just those memberships (used when sending, so
    the email's "Based on your interest in …" is computed here, never taken from a form).
    """
    from django.db import connection

    from orgs.models import Membership

    if not events:
        return {}
    sql = (
        _RECOMMEND_SQL.replace("{level_cases}", _level_cases())
        .replace("{only}", "AND m.id = ANY(%(only)s)" if only_ids is not None else "")
        .replace(
            "{threshold}",
            ""
            if only_ids is not None
            else "WHERE same_type > 0 OR COALESCE(similarity, 0) > %(min_similarity)s",
        )
    )
    params: dict = {
        "org": org.pk,
        "events": [e.pk for e in events],
        "w_type": WEIGHT_SAME_TYPE,
        "w_interest": WEIGHT_INTEREST,
        "w_level": WEIGHT_LEVEL,
        "cap": SAME_TYPE_CAP,
        "unscored": UNSCORED_FIT,
        "min_similarity": MIN_SIMILARITY,
        "limit": limit if only_ids is None else len(only_ids),
        "only": list(only_ids or []),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    people = Membership.objects.select_related("user__profile").in_bulk({r[1] for r in rows})
    by_id = {e.pk: e for e in events}
    result: dict[int, list[Recommendation]] = {e.pk: [] for e in events}
    for event_id, pk, same_type, similarity, level, fit in rows:
        result[event_id].append(
            _recommendation(by_id[event_id], people[pk], same_type, similarity, level, fit)
        )
    return result


def _recommendation(event, membership, same_type, similarity, level, fit) -> Recommendation:
    from crm.selectors.insights import first_interest

    type_label = event.get_event_type_display().lower()
    profile = getattr(membership.user, "profile", None)
    interest = first_interest(getattr(profile, "interests", "") or "")
    matches = similarity is not None and similarity > MIN_SIMILARITY
    parts = []
    if same_type:
        parts.append(f"came to {same_type} {type_label} event{'s' if same_type != 1 else ''}")
    if matches:
        parts.append(
            f"interests match ({round(100 * similarity)}%"
            + (f", “{interest}”" if interest else "")
            + ")"
        )
    if level == "at_risk":
        parts.append("at risk — a good moment to re-engage")
    elif level == "inactive":
        parts.append("inactive — worth a personal nudge")
    reason = "; ".join(parts) or "a member of the org"
    if interest and matches:
        because = f"Based on your interest in {interest}, we think you'd enjoy it."
    elif same_type:
        because = f"You came to our {type_label} events before, so we thought of you."
    else:
        because = "We'd love to see you there."
    return Recommendation(
        membership=membership,
        fit=round(fit, 3),
        same_type=same_type,
        similarity=similarity,
        level=level,
        reason=reason[0].upper() + reason[1:],
        because=because,
    )


def recommend_for_event(
    *, event: Event, limit: int = PER_EVENT, only_ids: list[int] | None = None
) -> list[Recommendation]:
    """`recommendations_for` one event."""
    found = recommendations_for(org=event.org, events=[event], limit=limit, only_ids=only_ids)
    return found.get(event.pk, [])


def upcoming_for_invitations(*, org: Organization, limit: int = UPCOMING_EVENTS) -> list[Event]:
    from django.utils import timezone

    return list(
        Event.objects.filter(
            org=org, status=Event.Status.PUBLISHED, start__gt=timezone.now()
        ).order_by("start")[:limit]
    )


def whom_to_invite(*, org: Organization, events: list[Event]) -> list[EventRecommendations]:
    conversions = invitation_conversion(event_ids=[e.pk for e in events])
    found = recommendations_for(org=org, events=events)
    return [
        EventRecommendations(
            event=event,
            recommendations=found.get(event.pk, []),
            conversion=conversions.get(event.pk) or Conversion(),
        )
        for event in events
    ]
