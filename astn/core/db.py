"""Session settings for every database connection the app opens."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def apply_session_settings(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: the planner's page cost (settings'
    `ASTN_DB_RANDOM_PAGE_COST`), for the life of the connection."""
    value = getattr(settings, "ASTN_DB_RANDOM_PAGE_COST", "")
    if value and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('random_page_cost', %s, false)", [value])
