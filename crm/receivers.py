"""React to attendance's and events' signals (sent after commit): keep `MemberStats`'
attendance columns and `EventStats` current, and make the dashboard's cached figures
stale."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import pre_delete

from attendance.models import Attendance
from crm.selectors.dashboard_activity import dashboard_cache_bump
from crm.services.stats import event_stats_refresh, member_stats_refresh
from events.models import Event


def on_attendance_changed(sender, changes, **kwargs) -> None:
    """One write (a sync of a whole event, a bulk check-in): one refresh per org, set-based."""
    org_of = dict(
        Event.objects.filter(pk__in={a.event_id for a, _ in changes}).values_list("pk", "org_id")
    )
    touched: dict[int, tuple[set[int], set[int]]] = {}
    for attendance, _change in changes:
        if attendance.event_id not in org_of:  # deleted since; the nightly rebuild agrees
            continue
        people, events = touched.setdefault(org_of[attendance.event_id], (set(), set()))
        people.add(attendance.membership_id)
        events.add(attendance.event_id)
    for org_id, (people, events) in touched.items():
        dashboard_cache_bump(org_id=org_id)
        member_stats_refresh(org_id=org_id, membership_ids=people)
        event_stats_refresh(org_id=org_id, event_ids=events)


def on_feedback_changed(sender, attendance, **kwargs) -> None:
    org_id = attendance.event.org_id
    dashboard_cache_bump(org_id=org_id)
    event_stats_refresh(org_id=org_id, event_ids=[attendance.event_id])


def on_attendance_imported(sender, org, event_ids, **kwargs) -> None:
    dashboard_cache_bump(org_id=org.pk)
    # An import touches up to thousands of people: one set-based pass over the org.
    member_stats_refresh(org_id=org.pk)
    event_stats_refresh(org_id=org.pk, event_ids=event_ids)


def on_event_changed(sender, event, fields=frozenset({"status"}), **kwargs) -> None:
    """Published, cancelled, or moved: its attendees' activity instants change (only
    published events count, and an attended event counts at its end)."""
    if not {"status", "end"} & set(fields):
        return
    dashboard_cache_bump(org_id=event.org_id)
    member_stats_refresh(
        org_id=event.org_id,
        membership_ids=Attendance.objects.filter(event=event).values_list(
            "membership_id", flat=True
        ),
    )


def on_event_deleting(sender, instance, **kwargs) -> None:
    """An event is being deleted (the Django admin; no service deletes events): its
    attendance goes with it, and its `EventStats` row by cascade, so after commit its
    attendees' figures and activity instants are recomputed without it."""
    org_id = instance.org_id
    people = list(
        Attendance.objects.filter(event_id=instance.pk).values_list("membership_id", flat=True)
    )

    def refresh() -> None:
        dashboard_cache_bump(org_id=org_id)
        member_stats_refresh(org_id=org_id, membership_ids=people)

    transaction.on_commit(refresh)


def connect() -> None:
    from attendance.signals import (
        attendance_changed,
        attendance_feedback_changed,
        attendance_imported,
    )
    from events.signals import event_cancelled, event_changed, event_published

    attendance_changed.connect(on_attendance_changed, dispatch_uid="crm.attendance_changed")
    attendance_feedback_changed.connect(on_feedback_changed, dispatch_uid="crm.feedback_changed")
    attendance_imported.connect(on_attendance_imported, dispatch_uid="crm.attendance_imported")
    event_published.connect(on_event_changed, dispatch_uid="crm.event_published")
    event_changed.connect(on_event_changed, dispatch_uid="crm.event_changed")
    event_cancelled.connect(on_event_changed, dispatch_uid="crm.event_cancelled")
    pre_delete.connect(on_event_deleting, sender=Event, dispatch_uid="crm.event_deleting")
