"""The one place that changes `Attendance.rsvp` and `Attendance.attended`.

Each change saves the record and writes its `AttendanceChange` row in the
caller's transaction, and sends one `attendance_changed` for the whole write once that
commits. Callers
(the services in this package) decide *whether* a change is allowed; these
helpers only make it and record it. A value equal to the current one writes
nothing, which is what makes syncs idempotent.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from astn.accounts.types import User
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
RSVP_FIELDS = ("rsvp", "rsvp_at", "rsvp_source", "waitlisted_at")
ATTENDED_FIELDS = ("attended", "attended_source", "attended_at")


def rsvp_record(
    attendance: Attendance,
    *,
    rsvp: str,
    source: str,
    actor: User | None = None,
    now: datetime | None = None,
) -> AttendanceChange | None:
    """Set the RSVP of `attendance` and write its ledger row; return the row, or None if equal.

    The caller must hold the lock on the event row when the change affects seats.
    """
    batch = LedgerBatch(now=now)
    if not batch.rsvp(attendance, rsvp=rsvp, source=source, actor=actor):
        return None
    return batch.write()[0]


def attended_record(
    attendance: Attendance,
    *,
    attended: bool | None,
    source: str,
    actor: User | None = None,
    now: datetime | None = None,
) -> AttendanceChange | None:
    """Set `attended` from `source` and write its ledger row; return the row, or None.

    Nothing changes when the value is already the same, or when the current value
    came from a more trusted source (an admin's mark is not overwritten by a
    self-report or a check-in).
    """
    batch = LedgerBatch(now=now)
    if not batch.attended(attendance, attended=attended, source=source, actor=actor):
        return None
    return batch.write()[0]


class LedgerBatch:
    """Changes to many records, written in a few statements instead of two per record.

        batch = LedgerBatch(now=now)
        for attendance in rows:
            batch.attended(attendance, attended=True, source=Source.ADMIN, actor=admin)
        changes = batch.write()   # one UPDATE per field set, one INSERT for the ledger

    The rules are those of `rsvp_record` / `attended_record` (equal values and
    outranked sources change nothing); each method changes the record in memory and
    returns whether it did. `write()` saves them with `bulk_update`, writes the
    ledger rows with one `bulk_create`, and sends one `attendance_changed` with all the
    changes after commit. Call it inside the caller's transaction.
    """

    def __init__(self, *, now: datetime | None = None) -> None:
        self.now = now or timezone.now()
        self._changed: dict[tuple[str, ...], dict[int, Attendance]] = {}
        self._changes: list[tuple[Attendance, AttendanceChange]] = []

    def rsvp(
        self, attendance: Attendance, *, rsvp: str, source: str, actor: User | None = None
    ) -> bool:
        old = attendance.rsvp
        if old == rsvp:
            return False
        attendance.rsvp = rsvp
        attendance.rsvp_at = self.now
        attendance.rsvp_source = source
        attendance.waitlisted_at = self.now if rsvp == Attendance.Rsvp.WAITLISTED else None
        self._add(attendance, RSVP_FIELDS, AttendanceChange.Field.RSVP, old, rsvp, source, actor)
        return True

    def attended(
        self,
        attendance: Attendance,
        *,
        attended: bool | None,
        source: str,
        actor: User | None = None,
        at: datetime | None = None,
    ) -> bool:
        """Set `attended`; `at` is when it happened (a lu.ma check-in time), else now."""
        if attendance.attended == attended or attended_outranked(attendance, source=source):
            return False
        old = attendance.attended
        attendance.attended = attended
        attendance.attended_source = source if attended is not None else ""
        attendance.attended_at = at or self.now
        self._add(
            attendance,
            ATTENDED_FIELDS,
            AttendanceChange.Field.ATTENDED,
            _attended_text(old),
            _attended_text(attended),
            source,
            actor,
        )
        return True

    def _add(self, attendance, fields, field, old, new, source, actor: User | None) -> None:
        attendance.updated_at = self.now
        self._changed.setdefault(fields, {})[id(attendance)] = attendance
        change = AttendanceChange(
            attendance=attendance,
            field=field,
            old=old,
            new=new,
            source=source,
            actor=actor if getattr(actor, "pk", None) else None,
        )
        self._changes.append((attendance, change))

    def write(self) -> list[AttendanceChange]:
        """Save the changed records and their ledger rows; return the rows (in order)."""
        for fields, rows in self._changed.items():
            _save_grouped(list(rows.values()), fields=[*fields, "updated_at"])
        changes = AttendanceChange.objects.bulk_create([change for _, change in self._changes])
        if self._changes:
            _on_commit_changed(self._changes)
        self._changed, self._changes = {}, []
        return changes


def attended_outranked(attendance: Attendance, *, source: str) -> bool:
    """Return True when `attendance.attended` came from a source more trusted than `source`."""
    return attendance.attended is not None and ATTENDED_TRUST.get(
        attendance.attended_source, 0
    ) > ATTENDED_TRUST.get(source, 0)


def attended_refusal_record(
    attendance: Attendance, *, attended: bool, source: str, actor: User | None = None
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


def _save_grouped(rows: list[Attendance], *, fields: list[str]) -> None:
    """Save `fields` of `rows`: one UPDATE per distinct set of values, the odd ones in one go.

    A sync or a bulk mark usually gives many records the same values (everyone
    "going" at the same moment): `UPDATE ... WHERE id IN (...)` is far cheaper than
    Django's `bulk_update`, whose CASE per row costs both Python and Postgres time.
    """
    groups: dict[tuple, list[Attendance]] = {}
    for row in rows:
        groups.setdefault(tuple(getattr(row, name) for name in fields), []).append(row)
    odd = []
    for values, members in groups.items():
        if len(members) == 1:
            odd.extend(members)
            continue
        Attendance.objects.filter(pk__in=[row.pk for row in members]).update(
            **dict(zip(fields, values, strict=True))
        )
    if odd:
        Attendance.objects.bulk_update(odd, fields, batch_size=500)


def _on_commit_changed(changes: list[tuple[Attendance, AttendanceChange]]) -> None:
    transaction.on_commit(lambda: attendance_changed.send(sender=Attendance, changes=changes))
