"""React to attendance's signals (sent after commit): keep `MemberStats` current and make
the dashboard's cached attendance figures stale."""

from __future__ import annotations

from crm.selectors.dashboard import dashboard_cache_bump
from crm.services.stats import member_stats_refresh
from events.models import Event


def on_attendance_changed(sender, changes, **kwargs) -> None:
    """One write (a sync of a whole event, a bulk check-in): one refresh per org, set-based."""
    org_of = dict(
        Event.objects.filter(pk__in={a.event_id for a, _ in changes}).values_list("pk", "org_id")
    )
    attended: dict[int, set[int]] = {}
    for attendance, change in changes:
        if attendance.event_id not in org_of:  # deleted since; the nightly rebuild agrees
            continue
        ids = attended.setdefault(org_of[attendance.event_id], set())
        if change.field == "attended":
            ids.add(attendance.membership_id)
    for org_id, membership_ids in attended.items():
        dashboard_cache_bump(org_id=org_id)
        member_stats_refresh(org_id=org_id, membership_ids=membership_ids)


def on_feedback_changed(sender, attendance, **kwargs) -> None:
    dashboard_cache_bump(org_id=attendance.event.org_id)


def on_attendance_imported(sender, org, event_ids, **kwargs) -> None:
    dashboard_cache_bump(org_id=org.pk)
    # An import touches up to thousands of people: one set-based pass over the org.
    member_stats_refresh(org_id=org.pk)


def connect() -> None:
    from attendance.signals import (
        attendance_changed,
        attendance_feedback_changed,
        attendance_imported,
    )

    attendance_changed.connect(on_attendance_changed, dispatch_uid="crm.attendance_changed")
    attendance_feedback_changed.connect(on_feedback_changed, dispatch_uid="crm.feedback_changed")
    attendance_imported.connect(on_attendance_imported, dispatch_uid="crm.attendance_imported")
