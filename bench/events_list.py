"""Benchmark: an org's events list with 50 upcoming events, as a signed-in member sees it.

    .venv/bin/python bench/events_list.py

Builds its own throw-away database (`ASTN_TEST_DB`, default `bench_events_list`):
one org, 50 upcoming published events (some online, some with RSVPs), 10 past ones,
and a member whose profile zone differs from the events' zones (so every time on
the page is converted). Then it GETs `/orgs/<slug>/events/` through Django's test
client — in process, so the time is server time (URL routing, middleware, queries,
templates) without a network — 5 times to warm caches, then 30 times, and reports
the median and the 90th percentile, plus the number of queries of one request.

Budget (issue #9): median under 100 ms. The last line is the figure.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "astn.settings.test"
os.environ.setdefault("ASTN_TEST_DB", "bench_events_list")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

UPCOMING, PAST, MEMBERS = 50, 10, 40
BUDGET_MS = 100.0
WARMUP, RUNS = 5, 30


def build():
    """Create the org, its members (with profiles), events and RSVPs; return (org, viewer)."""
    from astn.accounts.models import Profile, User
    from attendance.models import Attendance
    from events.models import Event
    from orgs.models import Membership, Organization

    now = timezone.now()
    org = Organization.objects.create(
        name="Bench Reading Circle", slug="bench-circle", city="Berlin"
    )
    users = [
        User.objects.create_user(email=f"member{n}@example.org", name=f"Member {n}")
        for n in range(MEMBERS)
    ]
    Profile.objects.filter(user__in=users).update(timezone="America/New_York")
    memberships = Membership.objects.bulk_create(
        Membership(org=org, user=user, email=user.email, name=user.name, status="member")
        for user in users
    )
    zones = ["Europe/Berlin", "Europe/London", "Asia/Tokyo"]
    events = Event.objects.bulk_create(
        Event(
            org=org,
            title=f"Reading night {n}",
            description="We read and talk. " * 20,
            start=now + timedelta(days=n + 1, hours=n % 5),
            end=now + timedelta(days=n + 1, hours=n % 5 + 2),
            timezone=zones[n % len(zones)],
            location="" if n % 4 == 0 else "Library, 1 Example Street",
            is_online=n % 4 == 0,
            status=Event.Status.PUBLISHED,
            published_at=now,
        )
        for n in range(UPCOMING)
    )
    Event.objects.bulk_create(
        Event(
            org=org,
            title=f"Past night {n}",
            start=now - timedelta(days=n + 2),
            end=now - timedelta(days=n + 2) + timedelta(hours=2),
            timezone="Europe/Berlin",
            status=Event.Status.PUBLISHED,
            published_at=now - timedelta(days=60),
        )
        for n in range(PAST)
    )
    Attendance.objects.bulk_create(
        Attendance(event=event, membership=membership, rsvp="going", rsvp_at=now)
        for event in events[:20]
        for membership in memberships[:15]
    )
    return org, users[0]


def main() -> int:
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        org, viewer = build()
        client = Client(HTTP_HOST="localhost")  # not "testserver": no test environment here
        client.force_login(viewer)
        url = f"/orgs/{org.slug}/events/"
        for _ in range(WARMUP):
            response = client.get(url)
            assert response.status_code == 200, response.status_code
        assert b"Reading night 0" in response.content
        queries: list[str] = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        timings = []
        for _ in range(RUNS):
            began = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
        median = statistics.median(timings)
        p90 = statistics.quantiles(timings, n=10)[-1]
        ok = median < BUDGET_MS
        print(f"events:   {UPCOMING} upcoming + {PAST} past, page shows the first 12")
        print(f"queries:  {len(queries)} per request")
        print(
            f"events list: median {median:.1f} ms, p90 {p90:.1f} ms over {RUNS} requests "
            f"({len(queries)} queries), budget {BUDGET_MS:.0f} ms {'OK' if ok else 'MISSED'}"
        )
        return 0 if ok else 1
    finally:
        connection.close()
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
