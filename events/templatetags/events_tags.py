"""Template helpers for event pages: local times, markdown, calendar links.

{% load events_tags %}
{% event_when event %}                 the times in the viewer's zone (+ the event's)
{{ event.description|event_markdown }}
"""

from __future__ import annotations

import zoneinfo

from django import template
from django.utils import timezone as dj_timezone

from astn.core.timezones import is_zone, zone_or_none
from events.markup import render_markdown

register = template.Library()


def viewer_zone(user) -> str | None:
    """Return the viewer's IANA zone, or None for visitors.

    `ViewerTimezoneMiddleware` has activated it for the request; read it from there
    (no profile query, no zone validation per row).
    """
    if not getattr(user, "is_authenticated", False):
        return None
    name = dj_timezone.get_current_timezone_name()
    return name if is_zone(name) else None


def event_times(event, user) -> dict:
    """Return the event's start/end in the viewer's zone and in the event's own zone."""
    event_tz = zone_or_none(event.timezone) or zoneinfo.ZoneInfo("UTC")
    viewer = viewer_zone(user) or event.timezone
    viewer_tz = zone_or_none(viewer) or event_tz
    start, end = event.start.astimezone(viewer_tz), event.end.astimezone(viewer_tz)
    own_start, own_end = event.start.astimezone(event_tz), event.end.astimezone(event_tz)
    return {
        "start": start,
        "end": end,
        "same_day": start.date() == end.date(),
        "zone": viewer,
        "zone_abbr": start.tzname(),
        "event_start": own_start,
        "event_end": own_end,
        "event_same_day": own_start.date() == own_end.date(),
        "event_zone": event.timezone,
        "event_zone_abbr": own_start.tzname(),
        # Same offset (Paris viewing Berlin): one line is enough.
        "differs": start.utcoffset() != own_start.utcoffset(),
    }


@register.inclusion_tag("events/partials/_event_when.html", takes_context=True)
def event_when(context, event, compact=False):
    """Render when `event` happens for the viewer, with the event's own zone alongside."""
    return {"times": event_times(event, context["request"].user), "compact": compact}


@register.filter
def event_local_start(event, user):
    """The event's start in the viewer's zone (for `|date` formatting in lists)."""
    return event_times(event, user)["start"]


@register.filter
def event_markdown(text):
    return render_markdown(text or "")


@register.filter
def going_for(going, event):
    """`{{ going|going_for:event }}`: the going count from an `extensions.going_counts` dict."""
    if not going:
        return None
    return going.get(event.pk)
