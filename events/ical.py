"""iCalendar (RFC 5545) output for events: one event, an org feed, a personal feed.

    from events.ical import build_calendar, calendar_bytes

    cal = build_calendar(events, name="My ASTN events", show_online_link=lambda e: True)
    return HttpResponse(calendar_bytes(cal), content_type=ICS_CONTENT_TYPE)

Each VEVENT carries the event's stable UID (`Event.ical_uid`, never reused), its
`SEQUENCE` (bumped by the services on every change members care about) and
`STATUS:CANCELLED` once cancelled, so calendar apps update or strike out the copy
they already hold instead of adding a second one. Times are written in the
event's own zone (`DTSTART;TZID=Europe/Berlin:...`) with a matching VTIMEZONE, so
recurring-looking series stay right across daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone as dj_timezone

from events.markup import markdown_to_text
from events.models import Event

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//ASTN//Events//EN"

_STATUS = {
    Event.Status.PUBLISHED: "CONFIRMED",
    Event.Status.CANCELLED: "CANCELLED",
    Event.Status.DRAFT: "TENTATIVE",
}


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def event_location(event: Event, *, show_online_link: bool) -> str:
    """Return the LOCATION text: the place, or the link (only for people going), or 'Online'."""
    if event.is_online:
        if show_online_link and event.virtual_link:
            return event.virtual_link
        return event.location or "Online"
    return event.location


def event_vevent(event: Event, *, show_online_link: bool = False) -> icalendar.Event:
    """Return one VEVENT for `event` (the org must be loaded or loadable)."""
    zone = ZoneInfo(event.timezone)
    page = absolute_url(event.get_absolute_url())
    vevent = icalendar.Event()
    vevent.add("uid", event.ical_uid)
    vevent.add("dtstamp", dj_timezone.now().astimezone(UTC))
    vevent.add("created", event.created_at.astimezone(UTC))
    vevent.add("last-modified", event.updated_at.astimezone(UTC))
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.title)
    vevent.add("dtstart", event.start.astimezone(zone))
    vevent.add("dtend", event.end.astimezone(zone))
    vevent.add("status", _STATUS[event.status])
    vevent.add("url", page)
    location = event_location(event, show_online_link=show_online_link)
    if location:
        vevent.add("location", location)
    # DESCRIPTION is plain text (RFC 5545): calendar apps show markdown or HTML as is.
    description = [markdown_to_text(event.description), f"Details: {page}"]
    if event.external_url:
        description.append(f"Also on: {event.external_url}")
    vevent.add("description", "\n\n".join(part for part in description if part))
    vevent.add("categories", [event.get_event_type_display()])
    vevent.add(
        "organizer",
        f"{settings.SITE_URL}/orgs/{event.org.slug}/",
        parameters={
            "CN": event.org.name,
        },
    )
    return vevent


def build_calendar(
    events: Iterable[Event],
    *,
    name: str,
    description: str = "",
    show_online_link: Callable[[Event], bool] = lambda event: False,
    refresh_hours: int = 1,
    method: str = "PUBLISH",
) -> icalendar.Calendar:
    """Return a VCALENDAR holding one VEVENT per event, with VTIMEZONEs.

    `show_online_link(event)` decides per event whether the online link is written
    (only for people going: a feed URL can be shared further than its owner).
    `method` is PUBLISH for feeds and downloads; an email telling someone an event
    changed sends REQUEST (or CANCEL), so calendar apps update the copy they hold.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", name)
    if description:
        cal.add("x-wr-caldesc", description)
    # RFC 7986 and its older X- twin: how often subscribers should re-fetch.
    cal.add("refresh-interval", f"PT{refresh_hours}H", parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", f"PT{refresh_hours}H")
    events = list(events)
    for event in events:
        cal.add_component(event_vevent(event, show_online_link=show_online_link(event)))
    if events:
        # VTIMEZONEs covering just the feed's span (icalendar's default stops at 2038).
        first = min(event.start for event in events).date() - timedelta(days=366)
        last = max(event.end for event in events).date() + timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal


def calendar_bytes(cal: icalendar.Calendar) -> bytes:
    return cal.to_ical()


def _google_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(event: Event, *, show_online_link: bool = False) -> str:
    """Return a Google Calendar "add event" link prefilled with the event."""
    page = absolute_url(event.get_absolute_url())
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{_google_stamp(event.start)}/{_google_stamp(event.end)}",
        "ctz": event.timezone,
        "details": f"{page}",
        "location": event_location(event, show_online_link=show_online_link),
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)
