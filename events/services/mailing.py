"""What every event email says about an event, in the member's time zone.

Announcements, the weekly digest (`events`) and reminders (`attendance`) store
their email context as JSON in the outbox, so times are formatted here, before
enqueueing, in the *recipient's* zone (their profile's, UTC when unset), and the
zone is always named: "Thu 12 Mar, 19:00–21:00 (Berlin time)".
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils.formats import date_format
from django.utils.text import Truncator

from astn.accounts.types import User
from events.markup import markdown_to_text
from events.models import Event

EXCERPT_WORDS = 40


def member_zone(user: User) -> ZoneInfo:
    """Return the zone a member reads times in: their profile's, else UTC."""
    name = getattr(getattr(user, "profile", None), "timezone", "") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def first_name(user: User) -> str:
    """Return the name to greet a member by ("Mina" for "Mina Schmidt"), or ""."""
    parts = (getattr(user, "name", "") or "").split()
    return parts[0] if parts else ""


def zone_label(zone: ZoneInfo) -> str:
    """Return a readable name for a zone: "Berlin time", "Honolulu time", "UTC"."""
    key = zone.key
    if key in ("UTC", "Etc/UTC", "GMT"):
        return "UTC"
    return f"{key.rsplit('/', 1)[-1].replace('_', ' ')} time"


def day_label(moment: datetime, *, today: date) -> str:
    """Return "today", "tomorrow" or "on Thu 12 Mar" for a local `moment`."""
    delta = (moment.date() - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    return f"on {date_format(moment, 'D j M')}"


def format_when(event: Event, zone: ZoneInfo) -> str:
    """Return the event's time span in `zone`, with the zone named."""
    start, end = event.start.astimezone(zone), event.end.astimezone(zone)
    if start.date() == end.date():
        span = f"{date_format(start, 'D j M')}, {start:%H:%M}–{end:%H:%M}"
    else:
        first, last = date_format(start, "D j M"), date_format(end, "D j M")
        span = f"{first}, {start:%H:%M} – {last}, {end:%H:%M}"
    return f"{span} ({zone_label(zone)})"


def event_where(event: Event) -> str:
    """Return where the event happens, without its online link (that is for people going)."""
    if event.is_online:
        return "Online" + (f" · {event.location}" if event.location else "")
    return event.location or "Place to be announced"


def event_item(event: Event, *, zone: ZoneInfo, show_online_link: bool = False) -> dict:
    """Return the JSON-ready description of one event for an email template.

    Keys: `id`, `title`, `org_name`, `url`, `when`, `day` (weekday and date,
    for grouping), `time` (local start time), `where`, `online_link` (only when
    `show_online_link`: the link is for people with a seat), `excerpt`, `type`.
    """
    start = event.start.astimezone(zone)
    excerpt = markdown_to_text(event.description)
    return {
        "id": event.pk,
        "title": event.title,
        "org_name": event.org.name,
        "url": settings.SITE_URL + event.get_absolute_url(),
        "when": format_when(event, zone),
        "day": date_format(start, "l j F"),
        "time": f"{start:%H:%M}",
        "where": event_where(event),
        "online_link": event.virtual_link if event.is_online and show_online_link else "",
        "excerpt": Truncator(" ".join(excerpt.split())).words(EXCERPT_WORDS),
        "type": event.get_event_type_display(),
    }
