"""Activate the viewer's time zone for the request (their profile's IANA zone).

With it active, Django converts every aware datetime a template prints
(`{{ event.start|date:"H:i" }}`, forms) into the viewer's zone, so templates need no per-row
conversion filter. Visitors (and a profile with an unknown zone) get the default
(`TIME_ZONE`, UTC); pages for visitors that must show an event in its own zone say
so explicitly (`events_tags.event_when`).
"""

from __future__ import annotations

from django.utils import timezone

from astn.core.timezones import zone_or_none


def viewer_zone_name(user) -> str | None:
    """Return the IANA zone of a signed-in `user`'s profile, or None (visitor, unknown zone)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        profile = user.profile
    except Exception:  # no profile row (a half-made account): fall back to the default
        return None
    name = getattr(profile, "timezone", "") or ""
    return name if zone_or_none(name) is not None else None


class ViewerTimezoneMiddleware:
    """Activate `request.user`'s zone for this request; deactivate afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = viewer_zone_name(getattr(request, "user", None))
        if name:
            timezone.activate(zone_or_none(name))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
