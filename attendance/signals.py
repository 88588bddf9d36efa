"""Signals `attendance` sends, so the apps above it can react without being imported here.

Every signal is sent *after the transaction commits* (`transaction.on_commit`): a
receiver never sees a change that a rollback undoes, and a failing receiver does
not undo the change. The `sender` is always the `attendance.models.Attendance`
class. Connect in your `AppConfig.ready()`::

    from attendance.signals import attendance_changed

    attendance_changed.connect(log_activity, dispatch_uid="engagement.log_attendance")
"""

from __future__ import annotations

from django.dispatch import Signal

attendance_changed = Signal()
"""
Sent once for every ledger row (`AttendanceChange`) written: an RSVP given or
changed (by the member, an admin, the waitlist or a lu.ma sync), or `attended`
recorded or changed (lu.ma check-in now; prompts, admins, imports in #6).

Arguments:

- ``attendance``: the ``Attendance`` after the change.
- ``change``: the ``AttendanceChange`` row (``field`` is ``"rsvp"`` or
  ``"attended"``; ``old``, ``new``, ``source``, ``actor``, ``at``).
"""
