"""Template tags of attendance, for pages of other apps (e.g. /me/settings/).

{% load attendance_tags %}
{% calendar_feed_section %}
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


def calendar_feed_urls(user) -> dict[str, str]:
    """Return the https and webcal addresses of `user`'s personal feed."""
    path = reverse("attendance:calendar-feed", kwargs={"token": user.profile.calendar_token})
    feed_url = settings.SITE_URL + path
    return {"feed_url": feed_url, "webcal_url": "webcal://" + feed_url.split("://", 1)[1]}


@register.inclusion_tag("attendance/partials/_calendar_feed.html", takes_context=True)
def calendar_feed_section(context, next_url: str = ""):
    """Render the feed link and the "new link" button for the signed-in user."""
    request = context["request"]
    return {
        **calendar_feed_urls(request.user),
        "next": next_url or request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
