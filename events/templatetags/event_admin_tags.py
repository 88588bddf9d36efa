"""Template tags of the org-admin event pages."""

from __future__ import annotations

from django import template

from events import extensions

register = template.Library()


@register.simple_tag
def admin_row_actions(event) -> list[extensions.RowAction]:
    """`{% admin_row_actions event as actions %}`: links the apps above add to an event's row."""
    return extensions.admin_row_actions(event)
