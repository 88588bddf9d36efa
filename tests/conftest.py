"""Shared fixtures. Apps add theirs in tests/<app>/conftest.py; org fixtures live here too."""

import pytest

from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.orgs import AdminMembershipFactory, MembershipFactory, OrganizationFactory

pytest_plugins = ["tests.browser.fixtures", "tests.fakes.fixtures", "tests.io_guard"]


# Every ordinary table of the test database, without autovacuum (see `django_db_setup`).
_AUTOVACUUM_OFF = """
DO $$
DECLARE t record;
BEGIN
    FOR t IN SELECT c.oid::regclass AS name FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND n.nspname = current_schema()
    LOOP
        EXECUTE format('ALTER TABLE %s SET (autovacuum_enabled = off)', t.name);
    END LOOP;
END $$
"""


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with autovacuum off on its tables.

    Each test's transaction is rolled back and leaves dead rows, so autovacuum keeps
    visiting the tables — sometimes while a later test holds thousands of uncommitted
    rows in them (a seeded demo). VACUUM counts rows still being inserted by another
    transaction as not there, and records the table as empty over pages that are full
    (`reltuples = 0`). The planner believes it: a seeded demo's dashboard became nested
    loops over every row, and a test that takes 15 s took minutes — on whichever run
    autovacuum happened to pass at that moment. Tests need no vacuuming; the planner then
    estimates from the tables' real size.
    """
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(_AUTOVACUUM_OFF)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (rate-limit counters live there).

    Only this run's keys go: `cache.clear()` would FLUSHDB and wipe the counters of
    another test run sharing the Redis database (ASTN_TEST_DB gives each its prefix).
    """
    from django.conf import settings
    from django.core.cache import cache

    redis = cache._cache.get_client(None, write=True)
    keys = list(redis.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=500))
    if keys:
        redis.delete(*keys)


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def client_as_user(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def org(db):
    """A discoverable org in Berlin."""
    return OrganizationFactory(name="Berlin Reading Circle", slug="berlin-reading-circle")


@pytest.fixture
def admin(org):
    """A user who is an admin of `org`."""
    return AdminMembershipFactory(org=org, user=UserFactory(name="Ada Admin")).user


@pytest.fixture
def member(org):
    """A user who is a plain member of `org`."""
    return MembershipFactory(org=org, user=UserFactory(name="Mo Member")).user


@pytest.fixture
def outsider(db):
    """A signed-up user with no membership anywhere."""
    return UserFactory(name="Olly Outsider")


@pytest.fixture
def client_as_admin(admin):
    """A client logged in as `admin` (its own client, so tests can use several at once)."""
    from django.test import Client

    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def client_as_member(member):
    from django.test import Client

    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def seeded_demo():
    """The demo data `make run` shows (`seed_demo`): what the walking tests walk."""
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
