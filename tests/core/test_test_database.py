"""The test database's own settings (see `django_db_setup` in tests/conftest.py)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_no_table_of_the_test_database_is_autovacuumed():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname = current_schema()
              AND NOT coalesce('autovacuum_enabled=off' = ANY(c.reloptions), false)
            """
        )
        vacuumed = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        tables = cursor.fetchone()[0]
    assert tables > 50
    assert vacuumed == []
