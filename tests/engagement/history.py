"""Build an org's past quickly for engagement tests (events, attendance, activity)."""

from __future__ import annotations

import datetime

from attendance.models import Attendance
from events.models import Event
from tests.factories.events import EventFactory


def event_at(org, when: datetime.datetime, event_type: str = "meetup") -> Event:
    return EventFactory(
        org=org, start=when, end=when + datetime.timedelta(hours=2), event_type=event_type
    )


def attend(membership, event: Event, *, attended: bool | None = True, rating=None) -> Attendance:
    return Attendance.objects.create(
        event=event,
        membership=membership,
        rsvp=Attendance.Rsvp.GOING,
        rsvp_at=event.start - datetime.timedelta(days=3),
        rsvp_source="self",
        attended=attended,
        attended_source="admin" if attended is not None else "",
        attended_at=event.end if attended is not None else None,
        rating=rating,
    )


def regular(org, membership, now, *, events: list[Event]) -> None:
    for event in events:
        attend(membership, event)
