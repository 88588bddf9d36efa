"""What attendance does when `events` says something happened (see events/signals.py).

Connected in `AttendanceConfig.ready()`. The events signals arrive after commit,
except `luma_event_synced`, which arrives inside the sync's short per-event
transaction so an event's guests are written together with it.

Follow-ups go through `task_enqueue`, never `.delay()`: the admin's change has
committed, so a broker outage must not turn it into a 500; the `pending_tasks`
job sends the task when the broker is back.
"""

from __future__ import annotations

from astn.core.services import task_enqueue
from attendance.services import luma_guests_sync, rsvps_release
from attendance.tasks import event_cancelled_notify_task, waitlist_promote_task


def promote_when_capacity_changes(sender, *, event, fields, **kwargs) -> None:
    """A raised capacity frees seats: give them to the waitlist."""
    if "capacity" in fields:
        task_enqueue(waitlist_promote_task, key=f"waitlist_promote:{event.pk}", event_id=event.pk)


def note_material_change(sender, *, event, fields, **kwargs) -> None:
    """A new time, place or link: open (or extend) the event's debounced change notice."""
    from django.utils import timezone

    from attendance.services.changes import event_change_record

    event_change_record(
        event=event, fields=fields, previous=kwargs.get("previous") or {}, now=timezone.now()
    )


def tell_people_the_event_is_cancelled(sender, *, event, reason="", **kwargs) -> None:
    """Tell everyone going, maybe or waitlisted (in-app and by email)."""
    task_enqueue(
        event_cancelled_notify_task,
        key=f"event_cancelled_notify:{event.pk}",
        event_id=event.pk,
        reason=reason,
    )


def sync_luma_guests(sender, *, event, guests, stats, **kwargs) -> None:
    """Apply the event's lu.ma guests (already fetched by the sync) to the RSVPs."""
    for name, count in luma_guests_sync(event=event, guests=guests).items():
        key = name if name == "guests" else f"guests_{name}"
        stats[key] = stats.get(key, 0) + count


def release_seats_of_leaver(sender, *, membership, reason, **kwargs) -> None:
    """Someone left the org or deleted their account: their upcoming seats go to the waitlist."""
    rsvps_release(membership=membership)
