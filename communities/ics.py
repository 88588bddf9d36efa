"""Calendar invites for matches (RFC 5546 iTIP): REQUEST to book or move, CANCEL to drop.

The UID is stable per match (`Match.ics_uid`), so calendars update the same
entry; `SEQUENCE` is the match's `ics_sequence`, bumped on every reschedule
and on cancellation.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText


def _address(email: str, name: str, *, organizer: bool = False) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name or email)
    if not organizer:
        address.params["ROLE"] = vText("REQ-PARTICIPANT")
        address.params["PARTSTAT"] = vText("NEEDS-ACTION")
        address.params["RSVP"] = vText("TRUE")
    return address


def organizer_email() -> str:
    """The bare address of DEFAULT_FROM_EMAIL ("ASTN <hello@x>" → "hello@x")."""
    sender = settings.DEFAULT_FROM_EMAIL
    return sender.split("<")[-1].rstrip(">").strip() if "<" in sender else sender


def invite(
    *,
    uid: str,
    sequence: int,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    summary: str,
    description: str,
    organizer_name: str,
    attendees: list[tuple[str, str]],
    cancel: bool = False,
    url: str = "",
) -> str:
    """Return a METHOD:REQUEST (or METHOD:CANCEL) calendar with one VEVENT, as text."""
    cal = Calendar()
    cal.add("prodid", "-//ASTN//Community matching//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", starts_at.astimezone(datetime.UTC))
    event.add("dtend", ends_at.astimezone(datetime.UTC))
    event.add("summary", summary)
    event.add("description", description)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event["organizer"] = _address(organizer_email(), organizer_name, organizer=True)
    for email, name in attendees:
        event.add("attendee", _address(email, name), encode=0)
    cal.add_component(event)
    return cal.to_ical().decode()
