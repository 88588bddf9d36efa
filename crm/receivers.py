"""Keep `MemberStats` current from attendance's signals (sent after commit)."""

from __future__ import annotations

from crm.services.stats import member_stats_refresh


def on_attendance_changed(sender, attendance, change, **kwargs) -> None:
    if change.field == "attended":
        member_stats_refresh(
            org_id=attendance.event.org_id, membership_ids=[attendance.membership_id]
        )


def on_attendance_imported(sender, org, event_ids, **kwargs) -> None:
    # An import touches up to thousands of people: one set-based pass over the org.
    member_stats_refresh(org_id=org.pk)


def connect() -> None:
    from attendance.signals import attendance_changed, attendance_imported

    attendance_changed.connect(on_attendance_changed, dispatch_uid="crm.member_stats.changed")
    attendance_imported.connect(on_attendance_imported, dispatch_uid="crm.member_stats.imported")
