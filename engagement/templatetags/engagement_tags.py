"""Template helpers for engagement levels.

{% load engagement_tags %}
{% engagement_badge level overridden=flag %}   the level badge, for lists of many people
badge_html(level, overridden, memo={})         the same, for rows prepared in Python

The badge itself is `engagement/partials/_engagement_badge.html` (one definition). A list
of 100 people has at most a dozen different badges (level × overridden), so the tag renders
each one once per page and repeats the HTML; including the partial per row cost the CRM
directory about 0.2 ms a row.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

BADGE_TEMPLATE = "engagement/partials/_engagement_badge.html"


def badge_html(level, overridden=False, pending=None, *, memo: dict | None = None) -> SafeString:
    """The badge for `level` as HTML; with `memo` (a dict kept for one page), each
    distinct badge is rendered once."""
    key = (level or "", bool(overridden), pending or "")
    if memo is not None and key in memo:
        return memo[key]
    variables = {"level": level, "overridden": overridden, "pending": pending}
    html = mark_safe(render_to_string(BADGE_TEMPLATE, variables))  # noqa: S308 - the partial's own autoescaped output
    if memo is not None:
        memo[key] = html
    return html


@register.simple_tag(takes_context=True)
def engagement_badge(context, level, overridden=False, pending=None) -> SafeString:
    """Render the badge for `level` (memoised per template render)."""
    memo = context.render_context.setdefault(BADGE_TEMPLATE, {})
    return badge_html(level, overridden, pending, memo=memo)
