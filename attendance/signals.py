"""Signals `attendance` sends, so the apps above it can react without being imported here.

Every signal is sent *after the transaction commits* (`transaction.on_commit`): a
receiver never sees a change that a rollback undoes, and a failing receiver does
not undo the change. The `sender` is always the `attendance.models.Attendance`
class. Connect in your `AppConfig.ready()`::

    from attendance.signals import attendance_changed

    def log_activity(sender, changes, **kwargs): ...

    attendance_changed.connect(log_activity, dispatch_uid="engagement.log_attendance")
"""

from __future__ import annotations

from django.dispatch import Signal

attendance_changed = Signal()
"""
Sent once per write that changed something — a member's RSVP, an admin's mark, a
whole lu.ma guest sync of an event, a bulk check-in — with every ledger row
(`AttendanceChange`) of that write. A sync of 50 guests sends one signal with 50
changes, so receivers do their work set-based (one query per write, not per person).

The changes come from:

- an RSVP given or changed — by the member (`self`), an admin, the waitlist
  (`waitlist`, a promotion) or a lu.ma sync (`luma`);
- `attended` recorded or changed — by the member answering "Did you attend?"
  (`self`, from the email link, the dashboard or /me/attendance/), an admin on
  the check-in list (`admin`, walk-ins included), a lu.ma check-in
  (`luma_checkin`) or a program (`program`). Attendance imports send
  `attendance_imported` instead.

It is *not* sent for a refused report (a ledger row with ``applied=False``: a
self-report that a more trusted value kept out), nor when a value is written
again unchanged, nor for prompt bookkeeping (prompts sent, "remind me later",
"don't ask again").

Arguments:

- ``changes``: a non-empty list of ``(attendance, change)`` pairs in the order they
  were made: the ``Attendance`` after the change, and its ``AttendanceChange`` row
  (``field`` is ``"rsvp"`` or ``"attended"``; ``old``, ``new`` as text — an RSVP
  value, or ``"true"`` / ``"false"`` / ``""`` (unknown) for ``attended``;
  ``source``; ``actor``, the user who acted or None for syncs and the waitlist;
  ``at``). One record can appear twice (its RSVP and its attendance).
"""

attendance_feedback_changed = Signal()
"""
Sent when a member saves a new rating or comment about an event they attended
(`attendance.services.answers.attendance_feedback_set`). Saving the same
feedback again sends nothing.

Arguments:

- ``attendance``: the ``Attendance`` with its new ``rating`` (1–5 or None) and
  ``feedback`` (text, may be empty).
"""

attendance_imported = Signal()
"""
Sent once per attendance import that changed something, after it commits — and
again when an admin undoes it — *instead of* one ``attendance_changed`` per row: an
import writes up to 100,000 records in a few set-based statements, and the apps above
(engagement) recompute per event or per org rather than per person. Re-importing a
file that changes nothing sends nothing.

Arguments:

- ``org``: the ``orgs.Organization`` whose attendance changed.
- ``event_ids``: sorted list of the ids of the events whose attendance the import
  wrote (or the undo reverted).
- ``attendance_import``: the ``AttendanceImport`` (its ``counts`` say what changed).
- ``undone``: True when sent for an undo.
"""
