"""The dashboard's and directory's roll-ups, recomputed from attendance in SQL.

- `MemberStats`' attendance columns: events attended, last attended;
- `MemberActivity`: each person's sorted activity instants on the org's published
  events (RSVP times and ends of events attended; interested RSVP times), which the
  dashboard counts per period;
- `EventStats`: per event going, came, attended and ratings.

Set-based (one statement per table per call), idempotent, safe to run at any time: the
receivers run them for the people and events a change touched, the nightly job for
every org.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from attendance.models import Attendance
from events.models import Event
from orgs.models import Organization

# Every membership has its MemberStats row (the directory triggers insert it with the
# membership), so the attendance figures are an UPDATE: people with no attendance get 0.
_REFRESH = """
UPDATE crm_memberstats s
   SET events_attended = agg.n, last_attended_at = agg.last, refreshed_at = now()
FROM (
    SELECT m.id,
           count(a.id) FILTER (WHERE a.attended) AS n,
           max(e.start) FILTER (WHERE a.attended) AS last
    FROM orgs_membership m
    LEFT JOIN attendance_attendance a ON a.membership_id = m.id
    LEFT JOIN events_event e ON e.id = a.event_id
    WHERE m.org_id = %(org)s {only}
    GROUP BY m.id
) agg
WHERE s.membership_id = agg.id
  AND (s.events_attended, s.last_attended_at) IS DISTINCT FROM (agg.n, agg.last)
"""

# Per person: when they RSVPed and when the events they attended ended, in one sorted
# array (`active_times`), and the times of their RSVPs going / maybe / waitlisted.
_ACTIVITY_REFRESH = """
INSERT INTO crm_memberactivity AS s (membership_id, org_id, active_times, interested_times)
SELECT m.id, m.org_id,
       coalesce(array_agg(v.t ORDER BY v.t)
                FILTER (WHERE e.status = %(published)s AND v.t IS NOT NULL), '{{}}'),
       coalesce(array_agg(v.t ORDER BY v.t)
                FILTER (WHERE e.status = %(published)s AND v.t IS NOT NULL
                        AND v.interested), '{{}}')
FROM orgs_membership m
LEFT JOIN attendance_attendance a ON a.membership_id = m.id
LEFT JOIN events_event e ON e.id = a.event_id
LEFT JOIN LATERAL (VALUES (a.rsvp_at, a.rsvp = ANY(%(interested)s)),
                          (CASE WHEN a.attended THEN e."end" END, false)) v(t, interested)
       ON true
WHERE m.org_id = %(org)s {only}
GROUP BY m.id
ORDER BY m.id
ON CONFLICT (membership_id) DO UPDATE SET
    active_times = EXCLUDED.active_times,
    interested_times = EXCLUDED.interested_times
WHERE (s.active_times, s.interested_times)
      IS DISTINCT FROM (EXCLUDED.active_times, EXCLUDED.interested_times)
"""

_EVENT_REFRESH = """
INSERT INTO crm_eventstats AS s (event_id, org_id, going, came, attended, rating_sum,
                                 rating_n, refreshed_at)
SELECT e.id, e.org_id,
       count(a.id) FILTER (WHERE a.rsvp = %(going)s),
       count(a.id) FILTER (WHERE a.rsvp = %(going)s AND a.attended),
       count(a.id) FILTER (WHERE a.attended),
       coalesce(sum(a.rating), 0),
       count(a.rating),
       now()
FROM events_event e
LEFT JOIN attendance_attendance a ON a.event_id = e.id
WHERE e.org_id = %(org)s {only}
GROUP BY e.id
ORDER BY e.id
ON CONFLICT (event_id) DO UPDATE SET
    going = EXCLUDED.going, came = EXCLUDED.came, attended = EXCLUDED.attended,
    rating_sum = EXCLUDED.rating_sum, rating_n = EXCLUDED.rating_n,
    refreshed_at = EXCLUDED.refreshed_at
WHERE (s.going, s.came, s.attended, s.rating_sum, s.rating_n)
      IS DISTINCT FROM
      (EXCLUDED.going, EXCLUDED.came, EXCLUDED.attended, EXCLUDED.rating_sum,
       EXCLUDED.rating_n)
"""


# Before each refresh: make sure the rows exist and lock them in key order. Two refreshes
# of the same people (two receivers after two commits, or one and the nightly rebuild)
# then run one after the other, and the second computes with a snapshot taken after the
# first committed (READ COMMITTED: a new statement, a new snapshot) — never a lost update.
_LOCK_MEMBERS = """
INSERT INTO crm_memberactivity (membership_id, org_id, active_times, interested_times)
SELECT m.id, m.org_id, '{{}}', '{{}}' FROM orgs_membership m
WHERE m.org_id = %(org)s {only} ORDER BY m.id
ON CONFLICT (membership_id) DO NOTHING;
SELECT 1 FROM crm_memberstats s JOIN crm_memberactivity x USING (membership_id)
WHERE s.org_id = %(org)s {only_s} ORDER BY s.membership_id FOR UPDATE
"""

_LOCK_EVENTS = """
INSERT INTO crm_eventstats (event_id, org_id, going, came, attended, rating_sum, rating_n,
                            refreshed_at)
SELECT e.id, e.org_id, 0, 0, 0, 0, 0, now() FROM events_event e
WHERE e.org_id = %(org)s {only} ORDER BY e.id
ON CONFLICT (event_id) DO NOTHING;
SELECT 1 FROM crm_eventstats s WHERE s.org_id = %(org)s {only_s}
ORDER BY s.event_id FOR UPDATE
"""


def _only(ids: Iterable[int] | None, column: str, params: dict) -> str | None:
    """The SQL restricting a refresh to `ids` ("" for all; None when `ids` is empty)."""
    if ids is None:
        return ""
    params["ids"] = sorted(set(ids))
    return f"AND {column} = ANY(%(ids)s)" if params["ids"] else None


def _locked_refresh(
    *, ids: Iterable[int] | None, key: str, locked_key: str, params: dict, lock: str, writes
) -> int:
    """Restrict to `ids` (all when None), lock the rows (`lock`), then run `writes`;
    return how many rows they changed."""
    only = _only(ids, key, params)
    if only is None:
        return 0
    changed = 0
    with connection.cursor() as cursor:
        for statement in lock.format(only=only, only_s=only.replace(key, locked_key)).split(";"):
            cursor.execute(statement, params)
        for write in writes:
            cursor.execute(write.format(only=only), params)
            changed += cursor.rowcount
    return changed


@transaction.atomic
def member_stats_refresh(*, org_id: int, membership_ids: Iterable[int] | None = None) -> int:
    """Recompute the attendance figures and activity instants of `membership_ids` in the
    org (all of its people when None); return how many rows changed."""
    params: dict = {
        "org": org_id,
        "published": Event.Status.PUBLISHED.value,
        "interested": [str(rsvp) for rsvp in Attendance.INTERESTED],
    }
    return _locked_refresh(
        ids=membership_ids,
        key="m.id",
        locked_key="s.membership_id",
        params=params,
        lock=_LOCK_MEMBERS,
        writes=(_REFRESH, _ACTIVITY_REFRESH),
    )


@transaction.atomic
def event_stats_refresh(*, org_id: int, event_ids: Iterable[int] | None = None) -> int:
    """Recompute the per-event totals of `event_ids` in the org (all of its events when
    None); return how many rows changed."""
    return _locked_refresh(
        ids=event_ids,
        key="e.id",
        locked_key="s.event_id",
        params={"org": org_id, "going": Attendance.Rsvp.GOING.value},
        lock=_LOCK_EVENTS,
        writes=(_EVENT_REFRESH,),
    )


# The directory columns of every membership of the org, from the truth (the triggers'
# own function, `crm/migrations/0006_directory_triggers.py`).
_RESYNC = """
SELECT crm_directory_sync(ARRAY(SELECT id FROM orgs_membership WHERE org_id = %(org)s))
"""


@transaction.atomic
def member_stats_rebuild(*, org_id: int) -> int:
    """Rebuild every row of the org from the truth: the directory columns (which the
    triggers keep), the attendance figures and the per-event totals (which the
    receivers keep)."""
    with connection.cursor() as cursor:
        cursor.execute(_RESYNC, {"org": org_id})
    return member_stats_refresh(org_id=org_id) + event_stats_refresh(org_id=org_id)


def member_stats_refresh_all() -> int:
    """Rebuild every org's stats (the nightly job): heals anything a signal or a trigger
    missed."""
    return sum(
        member_stats_rebuild(org_id=org_id)
        for org_id in Organization.objects.values_list("pk", flat=True)
    )
