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

from scripts.fuzz_roles import ROLES
from tests.crawl import client_for, crawl, rows_written, written_since

pytestmark = pytest.mark.django_db

PAGES_PER_ROLE = 150


@pytest.mark.parametrize("name", ["anonymous", "member", "admin", "staff"])
def test_no_page_a_role_reaches_writes_on_get(seeded_demo, name):
    role = ROLES[name]
    client = client_for(role)
    writes: list[str] = []

    def get(path: str):
        responses = []
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            before = rows_written()
            responses.append(client.get(path, **headers))
            if changed := written_since(before):
                writes.append(f"GET {path} {headers or ''}: {changed}")
        return responses[0]

    pages = crawl(client, role, limit=PAGES_PER_ROLE, get=get)
    assert len(pages) >= 10, [page.path for page in pages]  # the walk really ran
    assert not writes, f"{len(writes)} GETs wrote:\n" + "\n".join(writes)
