"""`MemberStats`: the directory's per-person figures, recomputed from attendance in SQL.

Set-based (one INSERT … ON CONFLICT per call), idempotent, safe to run at any time:
the receivers run it for the people an attendance change touched, the nightly job for
every org.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from orgs.models import Organization

_REFRESH = """
INSERT INTO crm_memberstats (membership_id, org_id, events_attended, last_attended_at,
                             refreshed_at)
SELECT m.id, m.org_id,
       count(a.id) FILTER (WHERE a.attended),
       max(e.start) FILTER (WHERE a.attended),
       now()
FROM orgs_membership m
LEFT JOIN attendance_attendance a ON a.membership_id = m.id
LEFT JOIN events_event e ON e.id = a.event_id
WHERE m.org_id = %(org)s {only}
GROUP BY m.id
ON CONFLICT (membership_id) DO UPDATE
   SET events_attended = EXCLUDED.events_attended,
       last_attended_at = EXCLUDED.last_attended_at,
       refreshed_at = EXCLUDED.refreshed_at
"""


@transaction.atomic
def member_stats_refresh(*, org_id: int, membership_ids: Iterable[int] | None = None) -> int:
    """Recompute the stats of `membership_ids` in the org (all of its people when None);
    return how many rows were written."""
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


def member_stats_refresh_all() -> int:
    """Rebuild every org's stats (the nightly job): heals anything a signal missed."""
    return sum(
        member_stats_refresh(org_id=org_id)
        for org_id in Organization.objects.values_list("pk", flat=True)
    )
