"""`MemberStats`: the directory's per-person figures, recomputed from attendance in SQL.

Set-based (one UPDATE per call), idempotent, safe to run at any time:
the receivers run it for the people an attendance change touched, the nightly job for
every org.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from orgs.models import Organization

# Every membership has its row (the directory triggers insert it with the membership), so
# the attendance figures are an UPDATE: people with no attendance get 0.
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

# The directory columns of every membership of the org, from the truth (the triggers'
# own function, `crm/migrations/0006_directory_triggers.py`).
_RESYNC = """
SELECT crm_directory_sync(ARRAY(SELECT id FROM orgs_membership WHERE org_id = %(org)s))
"""


@transaction.atomic
def member_stats_refresh(*, org_id: int, membership_ids: Iterable[int] | None = None) -> int:
    """Recompute the attendance figures of `membership_ids` in the org (all of its people
    when None); return how many rows changed."""
    params: dict = {"org": org_id}
    only = ""
    if membership_ids is not None:
        params["ids"] = sorted(set(membership_ids))
        if not params["ids"]:
            return 0
        only = "AND m.id = ANY(%(ids)s)"
    with connection.cursor() as cursor:
        cursor.execute(_REFRESH.format(only=only), params)
        return cursor.rowcount


@transaction.atomic
def member_stats_rebuild(*, org_id: int) -> int:
    """Rebuild every row of the org from the truth: the directory columns (which the
    triggers keep) and the attendance figures (which the receivers keep)."""
    with connection.cursor() as cursor:
        cursor.execute(_RESYNC, {"org": org_id})
    return member_stats_refresh(org_id=org_id)


def member_stats_refresh_all() -> int:
    """Rebuild every org's stats (the nightly job): heals anything a signal or a trigger
    missed."""
    return sum(
        member_stats_rebuild(org_id=org_id)
        for org_id in Organization.objects.values_list("pk", flat=True)
    )
