"""The one place that changes `Attendance.rsvp` and `Attendance.attended`.

Each change saves the record and writes its `AttendanceChange` row in the
caller's transaction, and sends `attendance_changed` once that commits. Callers
(the services in this package) decide *whether* a change is allowed; these
helpers only make it and record it. A value equal to the current one writes
nothing, which is what makes syncs idempotent.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from attendance.models import Attendance, AttendanceChange, Source
from attendance.signals import attendance_changed

# How much we trust where an `attended` value came from. A source never overwrites a
# value from a more trusted one (DESIGN §4); #6 shows such conflicts to admins.
ATTENDED_TRUST: dict[str, int] = {
    Source.SELF.value: 1,
    Source.PROGRAM.value: 2,
    Source.IMPORT.value: 3,
    Source.LUMA_CHECKIN.value: 3,
    Source.ADMIN.value: 4,
}


def rsvp_record(
    attendance: Attendance,
    *,
    rsvp: str,
    source: str,
    actor=None,
    now: datetime | None = None,
) -> AttendanceChange | None:
    """Set the RSVP of `attendance` and write its ledger row; return the row, or None if equal.

    The caller must hold the lock on the event row when the change affects seats.
    """
    old = attendance.rsvp
    if old == rsvp:
        return None
    now = now or timezone.now()
    attendance.rsvp = rsvp
    attendance.rsvp_at = now
    attendance.rsvp_source = source
    attendance.waitlisted_at = now if rsvp == Attendance.Rsvp.WAITLISTED else None
    attendance.save(update_fields=["rsvp", "rsvp_at", "rsvp_source", "waitlisted_at", "updated_at"])
    return _ledger_write(
        attendance, field=AttendanceChange.Field.RSVP, old=old, new=rsvp, source=source, actor=actor
    )


def attended_record(
    attendance: Attendance,
    *,
    attended: bool | None,
    source: str,
    actor=None,
    now: datetime | None = None,
) -> AttendanceChange | None:
    """Set `attended` from `source` and write its ledger row; return the row, or None.

    Nothing changes when the value is already the same, or when the current value
    came from a more trusted source (an admin's mark is not overwritten by a
    self-report or a check-in).
    """
    if attendance.attended == attended:
        return None
    if attended_outranked(attendance, source=source):
        return None
    old = attendance.attended
    attendance.attended = attended
    attendance.attended_source = source if attended is not None else ""
    attendance.attended_at = now or timezone.now()
    attendance.save(update_fields=["attended", "attended_source", "attended_at", "updated_at"])
    return _ledger_write(
        attendance,
        field=AttendanceChange.Field.ATTENDED,
        old=_attended_text(old),
        new=_attended_text(attended),
        source=source,
        actor=actor,
    )


def attended_outranked(attendance: Attendance, *, source: str) -> bool:
    """Return True when `attendance.attended` came from a source more trusted than `source`."""
    return attendance.attended is not None and ATTENDED_TRUST.get(
        attendance.attended_source, 0
    ) > ATTENDED_TRUST.get(source, 0)


def attended_refusal_record(
    attendance: Attendance, *, attended: bool, source: str, actor=None
) -> AttendanceChange:
    """Write the ledger row of a report `attended_record` refused to apply (`applied=False`).

    The record keeps its more trusted value; the row is the conflict admins see on
    the check-in list until one of them marks the person (which settles it). No
    signal is sent: nothing changed.
    """
    return AttendanceChange.objects.create(
        attendance=attendance,
        field=AttendanceChange.Field.ATTENDED,
        old=_attended_text(attendance.attended),
        new=_attended_text(attended),
        source=source,
        actor=actor if getattr(actor, "pk", None) else None,
        applied=False,
    )


def _attended_text(value: bool | None) -> str:
    return "" if value is None else str(value).lower()


def _ledger_write(attendance: Attendance, *, field, old, new, source, actor) -> AttendanceChange:
    change = AttendanceChange.objects.create(
        attendance=attendance,
        field=field,
        old=old,
        new=new,
        source=source,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    transaction.on_commit(
        lambda: attendance_changed.send(sender=Attendance, attendance=attendance, change=change)
    )
    return change
