"""Demo RSVPs on the demo events, so event pages and the dashboard look alive.

Idempotent: an event that already has RSVPs is left alone. Without demo events
(the events app seeds them first) this does nothing.
"""

from __future__ import annotations

from django.db import transaction

from attendance.models import Attendance, Source
from attendance.services import rsvp_set
from attendance.services.ledger import rsvp_record
from attendance.services.rsvp import rsvp_closed_reason
from events.models import Event
from orgs.models import Membership

# A varied but repeatable mix: most people go, some might, a few can't.
PATTERN = ["going", "going", "maybe", "going", "not_going", None, "going", "maybe"]


def seed(*, stdout) -> None:
    events = Event.objects.visible().select_related("org").order_by("start", "pk")
    seeded = rsvps = 0
    for event in events:
        if Attendance.objects.filter(event=event).exists():
            continue
        members = list(
            Membership.objects.active()
            .filter(org=event.org, user__isnull=False)
            .select_related("user")
            .order_by("pk")
        )
        for index, membership in enumerate(members):
            answer = PATTERN[(event.pk + index) % len(PATTERN)]
            if answer is None:
                continue
            rsvps += _answer(event, membership, answer)
        seeded += 1
    stdout.write(f"attendance: RSVPs on {seeded} demo events ({rsvps} answers)")


def _answer(event: Event, membership: Membership, answer: str) -> int:
    if rsvp_closed_reason(event) is None:
        rsvp_set(event=event, user=membership.user, rsvp=answer)
        return 1
    # Past and cancelled events take no RSVPs now; the demo records what people said then.
    with transaction.atomic():
        attendance, _ = Attendance.objects.get_or_create(event=event, membership=membership)
        rsvp_record(attendance, rsvp=answer, source=Source.SELF, actor=membership.user)
    return 1
