"""Signals `events` sends, so the apps above it can act without `events` importing them.

Every signal is sent from a service *after the transaction commits*
(`transaction.on_commit`), so a receiver never sees an event that a rollback later
undoes, and a receiver that fails does not undo the write. Receivers should do
little and enqueue the rest (notifications, emails) themselves.

Connect in your `AppConfig.ready()`::

    from events.signals import event_cancelled

    event_cancelled.connect(tell_people_going, dispatch_uid="attendance.tell_going")

The `sender` is always the `events.models.Event` class.
"""

from __future__ import annotations

from django.dispatch import Signal

event_published = Signal()
"""
Sent when an event becomes visible to members: published from a draft in the admin,
or first seen (or seen again, no longer cancelled) by a lu.ma / iCal sync.

Arguments:

- ``event``: the ``Event``, now ``status == "published"``.
- ``acting_user``: the admin who published it, or ``None`` for a sync.
"""

event_changed = Signal()
"""
Sent when a published event changed in a way its members would care about (the same
changes that bump the event's iCalendar ``SEQUENCE``): title, times, time zone,
location, online link, capacity, description or type.

Arguments:

- ``event``: the ``Event`` after the change.
- ``fields``: a ``frozenset`` of the model field names that changed, e.g.
  ``frozenset({"start", "end"})``.
- ``previous``: a ``dict`` of the changed fields' values *before* the change
  (``{"start": datetime(...), "end": ...}``), so a receiver can say "was 19:00".
  Receivers should use ``kwargs.get("previous", {})``: older senders omit it.
- ``acting_user``: the admin who edited it, or ``None`` for a sync.

A capacity increase arrives here too: a receiver that keeps a waitlist can promote
people when ``"capacity" in fields``.
"""

event_cancelled = Signal()
"""
Sent once when an event is cancelled: by an admin, or by a sync because the event
disappeared upstream or was cancelled there. The event is kept (never deleted)
with ``status == "cancelled"``; receivers tell the people who RSVPed.

Arguments:

- ``event``: the cancelled ``Event``.
- ``acting_user``: the admin who cancelled it, or ``None`` for a sync.
- ``reason``: a short human-readable reason ("Cancelled by the organisers",
  "Removed from lu.ma"), suitable for a notification body.
"""

luma_event_synced = Signal()
"""
Sent once per lu.ma event during a lu.ma calendar sync, inside the short transaction
that writes that one event (not on commit: its guests must be written together with
it). The guests were fetched before the transaction began: a receiver gets data and
must not talk to lu.ma (or anything outside) itself. A receiver that raises rolls
back this event's step and stops the sync there (earlier events stay written); the
error is recorded in the org's ``SyncLog``.

Arguments:

- ``org``: the ``Organization`` being synced.
- ``event``: our ``Event`` for that lu.ma event (just created or updated).
- ``luma_event_api_id``: the lu.ma ``api_id`` (``evt-...``).
- ``guests``: a ``list`` of lu.ma guest entries (``{"api_id": ..., "guest": {...}}``,
  every page), as ``events.luma.LumaClient.iter_guests`` yields them.
- ``stats``: a ``dict`` a receiver may add counters to (e.g.
  ``stats["guests_updated"] += n``); they are stored in the ``SyncLog``.
"""

calendar_synced = Signal()
"""
Sent after a lu.ma or iCal sync of an org committed successfully.

Arguments:

- ``org``: the ``Organization``.
- ``sync_log``: the ``SyncLog`` row written for this run (counts, source).
"""
