"""Every connection the app opens gets the planner's page cost (`astn.core.db`)."""

from __future__ import annotations

import pytest
from django.db import connection, connections

from astn.core.db import apply_session_settings

pytestmark = pytest.mark.django_db


def _page_cost() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        return cursor.fetchone()[0]


def test_a_new_connection_gets_the_configured_page_cost(settings):
    assert settings.ASTN_DB_RANDOM_PAGE_COST == "1.1"
    fresh = connections.create_connection("default")
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW random_page_cost")
            assert cursor.fetchone()[0] == "1.1"
    finally:
        fresh.close()


def test_the_receiver_sets_the_value_and_an_empty_setting_leaves_the_servers(settings):
    with connection.cursor() as cursor:
        cursor.execute("SET random_page_cost = 4")
    settings.ASTN_DB_RANDOM_PAGE_COST = ""
    apply_session_settings(sender=None, connection=connection)
    assert _page_cost() == "4"
    settings.ASTN_DB_RANDOM_PAGE_COST = "2.5"
    apply_session_settings(sender=None, connection=connection)
    assert _page_cost() == "2.5"
