"""The CRM dashboard: an org's figures for a period, each against the period before it.

A handful of aggregate queries whatever the org's size: one over memberships, one over
events, one over attendance (both periods at once, with conditional aggregates), one per
chart, one per list. Months are cut in the active (viewer's) time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, models
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from astn.accounts.models import CareerStage
from attendance.models import Attendance, AttendanceChange, AttendanceImport
from crm.models import MemberStats
from crm.selectors.dashboard_activity import Activity, window_params, windows_of
from engagement.models import Level
from engagement.selectors import LEVEL_ORDER
from events.models import Event
from orgs.models import Membership, Organization

RANGES = {
    "30d": ("Last 30 days", 30),
    "90d": ("Last 90 days", 90),
    "12m": ("Last 12 months", 365),
    "all": ("All time", None),
    "custom": ("Custom", None),
}
DEFAULT_RANGE = "90d"
CUSTOM_MAX_DAYS = 366 * 10


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: datetime | None  # None: since the beginning
    end: datetime
    previous_start: datetime | None
    previous_end: datetime | None

    @property
    def comparable(self) -> bool:
        return self.previous_start is not None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def period_get(
    *, key: str, start: date | None = None, end: date | None = None, now: datetime | None = None
) -> tuple[Period, str | None]:
    """Return the period for a range key (and custom dates), and a notice when the request
    had to be corrected (unknown key, dates in the wrong order, a range too long)."""
    now = now or timezone.now()
    notice = None
    if key not in RANGES:
        notice = f"Unknown range “{key[:20]}”; showing the last 90 days."
        key = DEFAULT_RANGE
    if key == "custom":
        if start is None or end is None:
            notice = "Pick both dates for a custom range; showing the last 90 days."
            key = DEFAULT_RANGE
        else:
            if start > end:
                start, end = end, start
                notice = "The dates were the wrong way round; they have been swapped."
            if (end - start).days > CUSTOM_MAX_DAYS:
                start = end - timedelta(days=CUSTOM_MAX_DAYS)
                notice = "A custom range covers at most ten years; it has been shortened."
            period_start = _start_of(start)
            period_end = min(_start_of(end + timedelta(days=1)), now)
            length = period_end - period_start
            label = f"{start:%-d %b %Y} – {end:%-d %b %Y}"
            return (
                Period(key, label, period_start, period_end, period_start - length, period_start),
                notice,
            )
    label, days = RANGES[key]
    if days is None:
        return Period(key, label, None, now, None, None), notice
    period_start = now - timedelta(days=days)
    previous_start = period_start - timedelta(days=days)
    return Period(key, label, period_start, now, previous_start, period_start), notice


@dataclass(frozen=True)
class Figure:
    label: str
    value: float | int | None
    previous: float | int | None = None
    unit: str = ""  # "%" or "★"
    help: str = ""

    @property
    def change(self) -> float | None:
        """The change against the previous period, in percent (None when not comparable)."""
        if self.value is None or self.previous is None or self.previous == 0:
            return None
        return round(100 * (self.value - self.previous) / self.previous)

    @property
    def difference(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 1)


def _rate(numerator, denominator) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


# New members (by when they joined), new contacts (by when they were added) and events
# held (published, by when they ended, up to now) per window: range counts on
# `orgs_members_joined`, `orgs_contacts_created` and the events' (status, end) index.
_WINDOW_COUNTS = """
(SELECT count(*) FROM orgs_membership WHERE org_id = %(org)s AND status = %(member)s
    AND joined_at >= %({w}_start)s AND joined_at < %({w}_end)s) AS members_{w},
(SELECT count(*) FROM orgs_membership WHERE org_id = %(org)s AND status = %(contact)s
    AND created_at >= %({w}_start)s AND created_at < %({w}_end)s) AS contacts_{w},
(SELECT count(*) FROM events_event WHERE org_id = %(org)s AND status = %(published)s
    AND "end" >= %({w}_start)s AND "end" < %({w}_past)s) AS events_{w}
"""


def _window_counts(*, org: Organization, windows: dict, now: datetime) -> dict[str, int]:
    params: dict[str, Any] = {
        "org": org.pk,
        "member": Membership.Status.MEMBER.value,
        "contact": Membership.Status.CONTACT.value,
        "published": Event.Status.PUBLISHED.value,
        **window_params(windows, now=now),
    }
    columns = ", ".join(_WINDOW_COUNTS.format(w=name) for name in windows)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}", params)
        row = cursor.fetchone()
        names = [column.name for column in cursor.description]
    return dict(zip(names, row, strict=True))


def dashboard_figures(*, org: Organization, period: Period, activity: Activity) -> list[Figure]:
    """The headline figures of `org` for `period`: people and events from one query,
    the rest from the period's `activity`."""
    counts = _window_counts(org=org, windows=windows_of(period), now=timezone.now())
    a = activity.totals
    totals = {**counts, **a}

    def pair(prefix: str) -> tuple[Any, Any]:
        return totals[f"{prefix}_cur"], totals.get(f"{prefix}_prev")

    def rating(name: str):
        value = a.get(f"rating_{name}")
        return round(value, 2) if value is not None else None

    return [
        Figure("New members", *pair("members"), help="Joined in the period"),
        Figure("New contacts", *pair("contacts"), help="Added by imports, lu.ma or admins"),
        Figure("Events held", *pair("events"), help="Published events that ended"),
        Figure("RSVPs", *pair("rsvps"), help="Going, maybe or waitlisted"),
        Figure(
            "Attendance rate",
            _rate(a["came_cur"], a["going_cur"]),
            _rate(a.get("came_prev", 0), a.get("going_prev", 0)) if period.comparable else None,
            unit="%",
            help="Attended out of RSVPed going, past events",
        ),
        Figure(
            "Average rating",
            rating("cur"),
            rating("prev") if period.comparable else None,
            unit="★",
            help="Feedback on events in the period",
        ),
        Figure("Active people", *pair("active"), help="RSVPed or attended in the period"),
    ]


@dataclass
class Chart:
    """A chart and the table behind it (rows of label + values, in `columns` order)."""

    id: str
    title: str
    kind: str  # Chart.js type: "bar" | "doughnut" | "line"
    columns: list[str]
    rows: list[dict] = field(default_factory=list)  # {"label", "values": [...], "url"?}
    empty: str = "No data in this period yet."

    @property
    def is_empty(self) -> bool:
        return not any(any(v for v in row["values"]) for row in self.rows)

    def as_json(self) -> dict:
        return {
            "type": self.kind,
            "labels": [row["label"] for row in self.rows],
            "series": [
                {"label": column, "data": [row["values"][i] for row in self.rows]}
                for i, column in enumerate(self.columns)
            ],
            "urls": [row.get("url", "") for row in self.rows],
        }


@dataclass(frozen=True)
class PeopleCounts:
    levels: dict[str | None, int]  # people (members and contacts) per effective level
    careers: dict[str, int]  # members with a visible profile per career stage


def people_counts(*, org: Organization) -> PeopleCounts:
    """People per effective level and members per career stage, from the directory's read
    model (two index-only scans of its partial count indexes)."""
    stats = MemberStats.objects.filter(org=org).order_by()
    levels = (
        stats.exclude(status=Membership.Status.LEFT)
        .values_list("effective_level")
        .annotate(n=Count("*"))
        .values_list("effective_level", "n")
    )
    careers = (
        stats.filter(status=Membership.Status.MEMBER, has_account=True, profile_visible=True)
        .values_list("career_stage")
        .annotate(n=Count("*"))
        .values_list("career_stage", "n")
    )
    return PeopleCounts(dict(levels), dict(careers))


def level_chart(*, counts: dict[str | None, int], directory_url: str) -> Chart:
    rows = []
    for level in [*LEVEL_ORDER, None]:
        key = level or "none"
        rows.append(
            {
                "label": Level(level).label if level else "Not computed yet",
                "values": [counts.get(level, 0)],
                "url": f"{directory_url}?level={key}",
                "key": key,
            }
        )
    return Chart(
        "levels", "Engagement by level", "doughnut", ["People"], rows, "No one has a level yet."
    )


def career_chart(*, counts: dict[str, int]) -> Chart:
    rows = [
        {"label": label, "values": [counts.get(value, 0)]} for value, label in CareerStage.choices
    ]
    rows.append({"label": "Not given", "values": [counts.get("", 0)]})
    return Chart(
        "career", "Members by career stage", "bar", ["Members"], rows, "No member profiles yet."
    )


def attendance_chart(*, activity: Activity) -> Chart:
    """People who attended, per month, in the viewer's time zone (at most 24 months)."""
    return Chart(
        "attendance",
        "Attendance per month",
        "bar",
        ["People attended", "Events"],
        [
            {"label": f"{month:%b %Y}", "values": [people, events]}
            for month, people, events in activity.months
        ],
        "No recorded attendance in this period.",
    )


def conversion_chart(*, activity: Activity) -> Chart:
    """RSVP → attended per event type, past events in the period."""
    labels = dict(Event.EventType.choices)
    return Chart(
        "conversion",
        "RSVP → attended, by event type",
        "bar",
        ["Attended %", "Going", "Attended"],
        [
            {
                "label": labels.get(event_type, event_type),
                "values": [_rate(came, going) or 0, going, came],
            }
            for event_type, going, came in activity.conversion
        ],
        "No past events with RSVPs in this period.",
    )


def upcoming_events(*, org: Organization, limit: int = 5) -> QuerySet[Event]:
    return (
        Event.objects.for_org(org)
        .filter(status=Event.Status.PUBLISHED, end__gte=timezone.now())
        .annotate(
            going=Count("attendances", filter=Q(attendances__rsvp=Attendance.Rsvp.GOING)),
            maybe=Count("attendances", filter=Q(attendances__rsvp=Attendance.Rsvp.MAYBE)),
            waitlisted=Count("attendances", filter=Q(attendances__rsvp=Attendance.Rsvp.WAITLISTED)),
        )
        .order_by("start")[:limit]
    )


def recent_imports(*, org: Organization, limit: int = 5) -> list[AttendanceImport]:
    """The latest imports with what the dashboard shows of them: not their skipped rows,
    event ids or mapping, which for a big file are megabytes of JSON."""
    return list(
        AttendanceImport.objects.for_org(org)
        .exclude(status=AttendanceImport.Status.DISCARDED)
        .only("file_name", "status", "created_at", "counts")[:limit]
    )


@dataclass(frozen=True)
class AtRisk:
    membership: Membership
    score: int | None


@dataclass(frozen=True)
class Unanswered:
    """A recent past event with going RSVPs whose attendance nobody has recorded yet."""

    event_id: int
    title: str
    count: int


@dataclass(frozen=True)
class Attention:
    at_risk: list[AtRisk]
    at_risk_total: int
    conflicts: list[AttendanceChange]
    conflict_total: int
    unanswered: int  # going RSVPs on recent past events whose attendance is still unknown
    unanswered_events: list[Unanswered]  # the latest of those events, each to its check-in list


def attention(*, org: Organization, at_risk_total: int, limit: int = 5) -> Attention:
    """People who need an admin: at risk, conflicts to settle, attendance still unknown."""
    # The lowest scores first, by the read model's (org, level, score) index, with each
    # person's account in the same query.
    at_risk = (
        Membership.objects.for_org(org)
        .filter(crm_stats__org=org, crm_stats__effective_level=Level.AT_RISK)
        .exclude(status=Membership.Status.LEFT)
        .annotate(risk_score=F("crm_stats__score"))
        .select_related("user")
        .only(*Membership.DISPLAY_NAME_FIELDS)  # what the list shows; a test counts queries
        .order_by(F("crm_stats__score").asc(nulls_last=True), "pk")[:limit]
    )
    # The first few open conflicts, each row carrying how many there are in all.
    conflicts = list(
        AttendanceChange.objects.for_org(org)
        .open_conflicts()
        .select_related("attendance__event", "attendance__membership__user")
        .only(
            "at",
            "attendance__event__title",
            *(f"attendance__membership__{f}" for f in Membership.DISPLAY_NAME_FIELDS),
        )
        .annotate(total=models.Window(Count("*")))
        .order_by("-at")[:limit]
    )
    now = timezone.now()
    # The events first (a few dozen, by index), then their attendance by event: as one
    # join the planner scanned every attendance row of every org (16 ms on the bench).
    recent_events = list(
        Event.objects.for_org(org)
        .filter(status=Event.Status.PUBLISHED, end__lt=now, end__gte=now - timedelta(days=30))
        .order_by("-end", "-pk")
        .values_list("pk", "title")
    )
    unanswered = dict(
        Attendance.objects.filter(
            event_id__in=[pk for pk, _ in recent_events],
            rsvp=Attendance.Rsvp.GOING,
            attended__isnull=True,
        )
        .values_list("event_id")
        .annotate(count=Count("*"))
        .order_by()
    )
    unanswered_events = [
        Unanswered(event_id=pk, title=title, count=unanswered[pk])
        for pk, title in recent_events
        if pk in unanswered
    ]
    return Attention(
        at_risk=[AtRisk(m, m.risk_score) for m in at_risk],
        at_risk_total=at_risk_total,
        conflicts=conflicts,
        conflict_total=conflicts[0].total if conflicts else 0,
        unanswered=sum(unanswered.values()),
        unanswered_events=unanswered_events[:limit],
    )


def org_is_new(*, org: Organization) -> bool:
    """True for an org with nobody but admins and no events: the page shows first steps.
    (An org with people, nearly every one, is answered by the first query.)"""
    people = Membership.objects.for_org(org).exclude(role=Membership.Role.ADMIN)
    return not (people.exists() or Event.objects.for_org(org).exists())
