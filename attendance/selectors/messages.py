"""Who an organiser's message to an event segment reaches, and the messages sent so far.

A recipient has an account (the message is emailed to it), is still in the org
(never someone who left), and is active. Going and waitlisted are about the
seat the person holds, so muting the org does not stop them; the other
segments skip people who muted the org.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from attendance.models import Attendance, EventMessage
from events.models import Event
from orgs.models import Membership

Segment = EventMessage.Segment

# Segments about the seat a person holds: transactional, muting does not stop them.
TRANSACTIONAL = frozenset({Segment.GOING, Segment.WAITLISTED})
# Segments that only make sense once the event has started.
AFTER_START = frozenset({Segment.ATTENDED, Segment.NO_SHOWS, Segment.NOT_ANSWERED})

_SEGMENT_FILTERS = {
    Segment.GOING: Q(rsvp=Attendance.Rsvp.GOING),
    Segment.MAYBE: Q(rsvp=Attendance.Rsvp.MAYBE),
    Segment.WAITLISTED: Q(rsvp=Attendance.Rsvp.WAITLISTED),
    Segment.ATTENDED: Q(attended=True),
    Segment.NO_SHOWS: Q(attended=False),
    # Asked "Did you attend?" (or said they would come) and never told us.
    Segment.NOT_ANSWERED: Q(attended__isnull=True)
    & (Q(prompt_count__gt=0) | Q(rsvp__in=[Attendance.Rsvp.GOING, Attendance.Rsvp.MAYBE])),
}


def segments_for(event: Event) -> list[str]:
    """Return the segments that make sense for `event` now (after-event ones once it started)."""
    if event.start > timezone.now():
        return [s for s in Segment.values if s not in AFTER_START]
    return list(Segment.values)


def message_recipients(*, event: Event, segment: str) -> QuerySet[Attendance]:
    """Return the attendance records of `event` a message to `segment` is sent to."""
    recipients = (
        Attendance.objects.filter(event=event)
        .filter(_SEGMENT_FILTERS[Segment(segment)])
        .filter(membership__user__isnull=False, membership__user__is_active=True)
        .exclude(membership__status=Membership.Status.LEFT)
    )
    if segment not in TRANSACTIONAL:
        recipients = recipients.filter(membership__muted=False)
    return recipients


def segment_counts(*, event: Event) -> dict[str, int]:
    """Return how many people each segment of `event` reaches now, in one query."""
    base = Attendance.objects.filter(
        event=event, membership__user__isnull=False, membership__user__is_active=True
    ).exclude(membership__status=Membership.Status.LEFT)
    counts = base.aggregate(
        **{
            f"n_{segment}": Count(
                "pk",
                filter=_SEGMENT_FILTERS[Segment(segment)]
                & (Q() if segment in TRANSACTIONAL else Q(membership__muted=False)),
            )
            for segment in Segment.values
        }
    )
    return {segment: counts[f"n_{segment}"] or 0 for segment in Segment.values}


def event_message_list(*, event: Event) -> QuerySet[EventMessage]:
    """Return the messages sent about `event`, newest first, with their senders."""
    return EventMessage.objects.filter(event=event).select_related("sender")
