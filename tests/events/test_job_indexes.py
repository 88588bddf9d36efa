"""The jobs' scans across all orgs (by status and a time) have indexes to use."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "columns", [["status", "end"], ["status", "start"], ["status", "published_at"]]
)
def test_events_have_an_index_for_each_job_scan(columns):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "events_event")
    assert any(c["index"] and c["columns"] == columns for c in constraints.values()), columns
