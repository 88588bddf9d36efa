"""Template helpers for engagement levels.

{% load engagement_tags %}
{% engagement_badge level overridden=flag %}   the level badge, for lists of many people

The badge itself is `engagement/partials/_engagement_badge.html` (one definition). A list
of 100 people has at most a dozen different badges (level × overridden), so the tag renders
each one once per page and repeats the HTML; including the partial per row cost the CRM
directory about 0.2 ms a row.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

BADGE_TEMPLATE = "engagement/partials/_engagement_badge.html"


@register.simple_tag(takes_context=True)
def engagement_badge(context, level, overridden=False, pending=None) -> SafeString:
    """Render the badge for `level` (memoised per template render)."""
    rendered = context.render_context.setdefault(BADGE_TEMPLATE, {})
    key = (level or "", bool(overridden), pending or "")
    if key not in rendered:
        badge = context.template.engine.get_template(BADGE_TEMPLATE)
        variables = {"level": level, "overridden": overridden, "pending": pending}
        rendered[key] = mark_safe(badge.render(template.Context(variables, autoescape=True)))  # noqa: S308 - the partial's own autoescaped output
    return rendered[key]
