"""GET never changes state, on every page a role reaches (DESIGN §12).

The seeded demo is walked as each of `make fuzz`'s roles (visitor, member, org admin, and
staff in the Django admin; `tests/crawl.py`), and every page is requested as a browser
and again as htmx (`HX-Request`), since several views answer htmx with a part of the
page. Around each request Postgres' own per-transaction counters
(`pg_stat_xact_user_tables`: rows inserted, updated, deleted by this transaction, which
the test's transaction and the test client share) must not move for any table but the
session's (showing a flash message consumes it from the session: Django's, not ours).
The first request to each page counts too, so a view that creates a missing row on
first sight (get_or_create) is caught. Targeted tests for the pages that once did
(settings, unsubscribe, one-tap answers) stay with their apps.

First run (1 December 2026): about 300 pages, no writes.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from scripts.fuzz_roles import ROLES
from tests.crawl import client_for, crawl

pytestmark = pytest.mark.django_db

PAGES_PER_ROLE = 150
SESSION_TABLES = {"django_session"}


def rows_written() -> dict[str, int]:
    """Rows inserted + updated + deleted by this transaction so far, per table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
        )
        return {table: rows for table, rows in cursor.fetchall() if rows}


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize("name", ["anonymous", "member", "admin", "staff"])
def test_no_page_a_role_reaches_writes_on_get(demo, name):
    role = ROLES[name]
    client = client_for(role)
    writes: list[str] = []

    def get(path: str):
        first = None
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            before = rows_written()
            response = client.get(path, **headers)
            after = rows_written()
            changed = {
                table: rows - before.get(table, 0)
                for table, rows in after.items()
                if rows != before.get(table, 0) and table not in SESSION_TABLES
            }
            if changed:
                writes.append(f"GET {path} {headers or ''}: {changed}")
            first = first or response
        return first

    pages = crawl(client, role, limit=PAGES_PER_ROLE, get=get)
    assert len(pages) >= 10, [page.path for page in pages]  # the walk really ran
    assert not writes, f"{len(writes)} GETs wrote:\n" + "\n".join(writes)
