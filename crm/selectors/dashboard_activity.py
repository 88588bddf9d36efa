"""What people did in a dashboard period — RSVPs, attendance, ratings, active people —
from the roll-ups, not from attendance rows, and cached.

Two queries whatever the org's size, both over the roll-ups `crm.services.stats` keeps:

- one pass over the org's events that can fall in the period, each with its
  `EventStats` (going, came, attended, ratings): going / attended / ratings per period,
  attendance per month and RSVP → attended per event type are sums of those few hundred
  rows, made here;
- one pass over the org's people (`MemberActivity`): RSVPs and active people per period,
  by binary search in each person's sorted instants.

The result is cached per org, period and viewer zone for ten minutes; every attendance
change, import or event change bumps the org's version (`crm.receivers`), so a change
shows at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from events.models import Event
from orgs.models import Organization

if TYPE_CHECKING:
    from crm.selectors.dashboard import Period

CACHE_SECONDS = 600
CHART_MONTHS_DAYS = 730  # the attendance chart shows at most the last 24 months
Window = tuple[datetime | None, datetime]


def _version_key(org_id: int) -> str:
    return f"crm:dashboard:version:{org_id}"


def dashboard_cache_bump(*, org_id: int) -> None:
    """Make the org's cached dashboard figures stale (after attendance changed)."""
    try:
        cache.incr(_version_key(org_id))
    except ValueError:
        cache.set(_version_key(org_id), 2, None)


@dataclass(frozen=True)
class Activity:
    """The period's activity: `totals` per window ("cur", and "prev" when comparable) as
    `going_cur`, `came_cur`, `rating_cur` (None without ratings), `rsvps_cur`,
    `active_cur`…; `months` as (first day, people attended, events); `conversion` as
    (event type, going, came)."""

    totals: dict[str, Any]
    months: list[tuple[date, int, int]]
    conversion: list[tuple[str, int, int]]


def windows_of(period: Period) -> dict[str, Window]:
    windows: dict[str, Window] = {"cur": (period.start, period.end)}
    if period.previous_end is not None:
        windows["prev"] = (period.previous_start, period.previous_end)
    return windows


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)  # a window's start when it has none


def window_params(windows: dict[str, Window], *, now: datetime) -> dict[str, datetime]:
    """Each window's bounds as SQL parameters: `<name>_start` (EARLIEST when it has
    none), `<name>_end`, and `<name>_past` (its end, but not after now)."""
    params: dict[str, datetime] = {}
    for name, (start, end) in windows.items():
        params[f"{name}_start"] = start or EARLIEST
        params[f"{name}_end"] = end
        params[f"{name}_past"] = min(end, now)
    return params


def period_activity(*, org: Organization, period: Period) -> Activity:
    """The org's activity in `period` (cached; see the module's docstring)."""
    version = cache.get_or_set(_version_key(org.pk), 1, None)
    span = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}" if period.key == "custom" else period.key
    zone = timezone.get_current_timezone_name()
    key = f"crm:dashboard:{org.pk}:{version}:activity:{span}:{zone}"
    activity = cache.get(key)
    if activity is None:
        now = timezone.now()
        windows = windows_of(period)
        totals, months, conversion = _event_pass(org=org, period=period, windows=windows, now=now)
        totals.update(_people_pass(org=org, windows=windows, now=now))
        activity = Activity(totals, months, conversion)
        cache.set(key, activity, CACHE_SECONDS)
    return activity


# Each event that ended (or, for the chart, started) since the earliest bound, with its
# roll-up and the windows it falls in: figures count published events by when they ended,
# up to now; the chart counts events with attendance by the month they started, in the
# viewer's zone (Postgres cuts the month: no datetime reaches Python).
_EVENTS_SQL = """
SELECT e.status = %(published)s, e.event_type, s.going, s.came, s.attended, s.rating_sum,
       s.rating_n, {windows},
       e.start >= %(chart_start)s AND e.start < %(chart_end)s,
       to_char(e.start AT TIME ZONE %(zone)s, 'YYYY-MM')
FROM crm_eventstats s JOIN events_event e ON e.id = s.event_id
WHERE s.org_id = %(org)s AND e.start < %(now)s AND e."end" >= %(earliest)s
"""
_IN_WINDOW = 'e."end" >= %({name}_start)s AND e."end" < %({name}_past)s'


def _event_pass(
    *, org: Organization, period: Period, windows: dict[str, Window], now: datetime
) -> tuple[dict[str, Any], list[tuple[date, int, int]], list[tuple[str, int, int]]]:
    chart_start = max(period.start or now - timedelta(days=CHART_MONTHS_DAYS),
                      period.end - timedelta(days=CHART_MONTHS_DAYS))  # fmt: skip
    params: dict[str, Any] = {
        "org": org.pk,
        "published": Event.Status.PUBLISHED.value,
        "chart_start": chart_start,
        "chart_end": min(period.end, now),
        "zone": timezone.get_current_timezone_name(),
        "now": now,
        "earliest": min(chart_start, *(start or EARLIEST for start, _ in windows.values())),
        **window_params(windows, now=now),
    }
    in_windows = ", ".join(_IN_WINDOW.format(name=name) for name in windows)
    with connection.cursor() as cursor:
        cursor.execute(_EVENTS_SQL.format(windows=in_windows), params)
        rows = cursor.fetchall()

    names = list(windows)
    sums = {name: [0, 0, 0, 0] for name in names}  # going, came, rating sum, ratings
    months: dict[str, list[int]] = {}
    by_type: dict[str, list[int]] = {}
    for published, event_type, going, came, attended, rating_sum, rating_n, *flags in rows:
        *in_window, in_chart, month = flags
        if published:
            for name, inside in zip(names, in_window, strict=True):
                if inside:
                    total = sums[name]
                    total[0] += going
                    total[1] += came
                    total[2] += rating_sum
                    total[3] += rating_n
            if in_window[0] and going:
                pair = by_type.setdefault(event_type, [0, 0])
                pair[0] += going
                pair[1] += came
        if in_chart and attended:
            month_sums = months.setdefault(month, [0, 0])
            month_sums[0] += attended
            month_sums[1] += 1

    totals: dict[str, Any] = {}
    for name, (going, came, rating_sum, rating_n) in sums.items():
        totals[f"going_{name}"] = going
        totals[f"came_{name}"] = came
        totals[f"rating_{name}"] = rating_sum / rating_n if rating_n else None
    return (
        totals,
        [
            (date(int(key[:4]), int(key[5:]), 1), people, events)
            for key, (people, events) in sorted(months.items())
        ],
        [(event_type, going, came) for event_type, (going, came) in sorted(by_type.items())],
    )


# Per period: RSVPs made in it, and people active in it (attended an event that ended in
# it, or RSVPed in it). `width_bucket(t, sorted)` is how many of the sorted instants are
# <= t, by binary search; the instants in [start, end) are the difference at end and at
# start, each less a microsecond. Active instants are counted up to the period's past
# end: an RSVP's time is never in the future, an event attended may end after now.
# Each search is made once per bound (the previous period ends where the current one
# starts), in a subquery the planner may not inline (`OFFSET 0`), which would repeat it.
_PEOPLE_SQL = """
SELECT {figures} FROM (
    SELECT {searches} FROM crm_memberactivity WHERE org_id = %(org)s OFFSET 0
) AS searched
"""
_TICK = timedelta(microseconds=1)


def _people_pass(*, org: Organization, windows: dict[str, Window], now: datetime) -> dict:
    """RSVPs and active people per period from `MemberActivity`: one pass over the org's
    people (a few binary searches each, not 300,000 attendance rows)."""
    params: dict[str, Any] = {"org": org.pk}
    bounds: dict[datetime, str] = {}  # instant -> its parameter's name
    searches: dict[str, str] = {}  # alias -> binary search

    def found(column: str, instant: datetime | None) -> str:
        """How many of `column`'s instants fall before `instant` (an alias in SQL)."""
        if instant is None:
            return "0"
        if instant not in bounds:
            bounds[instant] = f"b{len(bounds)}"
            params[bounds[instant]] = instant - _TICK
        alias = f"{column}_{bounds[instant]}"
        searches.setdefault(alias, f"width_bucket(%({bounds[instant]})s, {column})")
        return alias

    figures = []
    for name, (start, end) in windows.items():
        rsvps = f"{found('interested_times', end)} - {found('interested_times', start)}"
        active = f"{found('active_times', min(end, now))} > {found('active_times', start)}"
        figures.append(f"coalesce(sum({rsvps}), 0) AS rsvps_{name}")
        figures.append(f"count(*) FILTER (WHERE {active}) AS active_{name}")
    sql = _PEOPLE_SQL.format(
        figures=", ".join(figures),
        searches=", ".join(f"{search} AS {name}" for name, search in searches.items()),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        names = [column.name for column in cursor.description]
    return {key: int(value) for key, value in zip(names, row, strict=True)}
