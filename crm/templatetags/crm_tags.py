"""Template helpers for CRM pages.

{% load crm_tags %}
{{ counts|get_item:key }}               a value from a dict (facet counts)
{{ value|ago }}                        "3 days ago" (largest unit only)
{{ note.body|note_markdown }}             sanitised markdown (events.markup, nh3)
{% delta_badge figure %}                  "+12 %" against the previous period
{% select_options choices selected %}     the <option>s of a <select>
"""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from events.markup import render_markdown

register = template.Library()


@register.filter
def filter_text(value) -> str:
    """A logged filter value as text: lists joined with commas."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


@register.filter
def ago(value) -> str:
    """ "3 days ago" — only the largest unit, so table cells stay short."""
    if not value:
        return ""
    if timezone.now() - value < timedelta(minutes=1):
        return "just now"
    return f"{timesince(value, depth=1)} ago"


@register.filter
def note_markdown(text: str):
    return render_markdown(text)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.inclusion_tag("crm/partials/_delta.html")
def delta_badge(figure, suffix: str = ""):
    """Show how `figure` (a `dashboard.Figure`) moved against the previous period."""
    return {"figure": figure, "suffix": suffix}


@register.simple_tag
def select_options(choices, selected) -> SafeString:
    """`<option>`s for `choices` ((value, label) pairs), `selected` marked.

    One call instead of a `{% for %}` with an `{% if %}` per option: the directory's
    "attended event" list has 300 of them, and the loop cost ~4 ms a page.
    """
    chosen = "" if selected is None else str(selected)
    options = []
    for value, label in choices:
        mark = " selected" if str(value) == chosen else ""
        options.append(f'<option value="{escape(value)}"{mark}>{escape(label)}</option>')
    return mark_safe("".join(options))  # noqa: S308 - every value and label is escaped
