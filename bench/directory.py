"""Benchmark: the CRM directory and dashboard of an org with 20,000 memberships.

    .venv/bin/python -m astn.devservices exec -- .venv/bin/python bench/directory.py

Builds its own throw-away database (`ASTN_TEST_DB`, default `bench_directory`): one org
with 15,000 members with accounts (profiles, cities, career stages, skills) and 5,000
contacts, 500 events over the past year, 300,000 attendance rows (RSVPs, ~70 % attended),
an engagement level and score for everyone (some overridden), ten tags on 30,000
memberships.

Then, through Django's test client as the org's admin (server time: the whole request
through middleware, view and template), the median of 20 requests for:

- the directory's first page;
- a filtered page (level + tag + search);
- a sorted page (by events attended, descending);
- the dashboard for 12 months, warm (its attendance figures cached, as for an admin
  who reloads within ten minutes) and cold (cache version bumped before each request, as
  after any attendance change);

each with the query count at 25 and at 100 rows per page (must be equal), against
Django's own admin changelist for `Membership` filtered to the same org (the baseline,
same data, same client; the last line gives the slowest page's ratio to it, the figure
to compare between runs on a shared machine). Each page's 20 requests run back to back,
as the budget is stated; taking turns between the pages was tried and cost every page
4-5 ms more (the request before, another page, leaves the CPU caches cold), the page
after the changelist most. Then the export of all 20,000 rows as CSV, with the growth of
the process's peak memory while it streams.

Budget (DESIGN §11): each page ≤ 50 ms, a constant query count, the export ≤ 5 s with
memory flat. The last line is the figure.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "astn.settings.test"
os.environ.setdefault("ASTN_TEST_DB", "bench_directory")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

MEMBERS, CONTACTS, EVENTS, ATTENDANCE = 15_000, 5_000, 500, 300_000
REQUESTS = 20
PAGE_BUDGET_MS = 50.0
EXPORT_BUDGET_S = 5.0
UNUSABLE = "!"
PASSWORD = "bench-pass-2026"  # noqa: S105 - a throw-away database


def build(now):
    """Create the org and everything in it; return (org, admin user)."""
    from astn.accounts.models import CareerStage, PrivacySettings, Profile, User
    from crm.models import MembershipTag, Tag
    from engagement.models import EngagementOverride, EngagementScore, Level
    from events.models import Event
    from orgs.models import Membership, Organization

    cities = ["Berlin", "Potsdam", "Hamburg", "Leipzig", "Munich", "Cologne", ""]
    stages = [c.value for c in CareerStage] + [""]
    skills = [["Python"], ["Design", "UX"], ["Data"], [], ["Policy", "Writing"], ["Django"]]
    levels = [Level.HIGHLY_ENGAGED, Level.MODERATE, Level.MODERATE, Level.NEW, Level.AT_RISK,
              Level.INACTIVE]  # fmt: skip
    with transaction.atomic():
        org = Organization.objects.create(name="Bench Hub", slug="bench-hub", city="Berlin",
                                          lat=52.52, lng=13.405)  # fmt: skip
        admin = User.objects.create_user(
            email="admin@bench.example", password=PASSWORD, name="Ada Admin",
            is_staff=True, is_superuser=True,
        )  # fmt: skip
        Profile.objects.get_or_create(user=admin)
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=admin, email=admin.email, defaults={"verified": True, "primary": True}
        )
        Membership.objects.create(org=org, user=admin, email=admin.email, name=admin.name,
                                  role=Membership.Role.ADMIN)  # fmt: skip
        users = User.objects.bulk_create(
            (User(email=f"m{n}@bench.example", name=f"Member {n:05d}", password=UNUSABLE)
             for n in range(MEMBERS)), batch_size=5000,
        )  # fmt: skip
        Profile.objects.bulk_create(
            (Profile(user=u, city=cities[n % 7], career_stage=stages[n % len(stages)],
                     skills=skills[n % len(skills)], headline=f"Headline {n % 97}",
                     calendar_token=f"bench-{n}")
             for n, u in enumerate(users)), batch_size=5000,
        )  # fmt: skip
        PrivacySettings.objects.bulk_create(
            (PrivacySettings(user=u, profile_visible_to_admins=n % 25 != 0,
                             attendance_visible_to_admins=n % 40 != 0)
             for n, u in enumerate(users)), batch_size=5000,
        )  # fmt: skip
        year_ago = now - timedelta(days=365)
        members = Membership.objects.bulk_create(
            [Membership(org=org, user=u, email=u.email, name=u.name,
                        joined_at=year_ago + timedelta(minutes=n * 26))
             for n, u in enumerate(users)]
            + [Membership(org=org, email=f"c{n}@contacts.example", name=f"Contact {n:05d}",
                          status=Membership.Status.CONTACT, source=Membership.Source.IMPORT,
                          joined_at=year_ago + timedelta(minutes=n * 70))
               for n in range(CONTACTS)],
            batch_size=5000,
        )  # fmt: skip
        Event.objects.bulk_create(
            (Event(org=org, title=f"Bench event {n}", event_type=Event.EventType.values[n % 6],
                   start=year_ago + timedelta(hours=17 * n),
                   end=year_ago + timedelta(hours=17 * n + 2),
                   timezone="Europe/Berlin", status=Event.Status.PUBLISHED,
                   published_at=year_ago)
             for n in range(EVENTS)), batch_size=1000,
        )  # fmt: skip
        with connection.cursor() as cursor:
            # 300,000 attendance rows: each membership at ~15 events, spread by a hash.
            cursor.execute(
                """
                INSERT INTO attendance_attendance
                  (event_id, membership_id, rsvp, rsvp_at, rsvp_source, attended,
                   attended_source, prompt_count, feedback, created_at, updated_at, rating)
                SELECT e.id, m.id, 'going', e.start - interval '3 days', 'self',
                       CASE WHEN e.start < now() THEN (m.id + e.id) %% 10 < 7 END,
                       CASE WHEN e.start < now() THEN 'import' ELSE '' END,
                       0, '', now(), now(),
                       CASE WHEN e.start < now() AND (m.id + e.id) %% 10 = 0 THEN 4 END
                FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn
                      FROM orgs_membership WHERE org_id = %s) m
                JOIN (SELECT id, start, row_number() OVER (ORDER BY id) AS en
                      FROM events_event WHERE org_id = %s) e
                  ON (m.rn * 7 + e.en * 13) %% 500 < 15
                LIMIT %s
                """,
                [org.pk, org.pk, ATTENDANCE],
            )
            attendance_rows = cursor.rowcount
        EngagementScore.objects.bulk_create(
            (EngagementScore(org=org, membership=m, level=levels[n % 6], rules_level=levels[n % 6],
                             score=(n * 37) % 101, rationale="Came to 3 of the last 5 events.",
                             last_active_at=now - timedelta(hours=n % 4000))
             for n, m in enumerate(members)), batch_size=5000,
        )  # fmt: skip
        EngagementOverride.objects.bulk_create(
            EngagementOverride(org=org, membership=m, level=Level.HIGHLY_ENGAGED,
                               reason="Runs the book club", by=admin)
            for m in members[::200]
        )  # fmt: skip
        tags = Tag.objects.bulk_create(Tag(org=org, name=f"Tag {n}") for n in range(10))
        MembershipTag.objects.bulk_create(
            (MembershipTag(tag=tags[n % 10], membership=m) for n, m in enumerate(members)
             if n % 2 == 0 or n % 3 == 0),
            batch_size=5000,
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return org, admin, attendance_rows, tags


def reuse():
    """The org of an earlier run kept with BENCH_KEEP=1, or None."""
    from astn.accounts.models import User
    from attendance.models import Attendance
    from crm.models import Tag
    from orgs.models import Organization

    org = Organization.objects.filter(slug="bench-hub").first()
    if org is None:
        return None
    admin = User.objects.get(email="admin@bench.example")
    rows = Attendance.objects.filter(event__org=org).count()
    return org, admin, rows, list(Tag.objects.filter(org=org).order_by("pk"))


def timed(client, url, *, n=REQUESTS, before=None, **extra) -> tuple[float, int]:
    """Median milliseconds of `n` GETs, after one warm-up; asserts 200. `before()` runs
    ahead of each timed request, untimed (the dashboard's cold figure empties its cache)."""
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(n):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(url, **extra)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(times), len(response.content)


def query_counts(client, url) -> tuple[int, int]:
    counts = []
    for size in (25, 100):
        joiner = "&" if "?" in url else "?"
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{url}{joiner}per={size}").status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


def export_all(client, org) -> tuple[float, int, float]:
    """Seconds to stream every row as CSV, the row count, and the peak-RSS growth in MB."""
    from django.urls import reverse

    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    url = reverse("crm:export-csv", kwargs={"slug": org.slug})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.post(url, {"status": ["member", "contact", "left"]})
    assert response.status_code == 200, response.status_code
    lines = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return elapsed, lines - 1, growth_mb


def main() -> int:
    from django.conf import settings
    from django.urls import reverse

    # The test client's host; not `setup_test_environment()`, which instruments templates.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    keep = bool(os.environ.get("BENCH_KEEP"))  # reuse the data of an earlier run (profiling)
    old_config = setup_databases(verbosity=0, interactive=False, keepdb=keep)
    try:
        now = timezone.now()
        started = time.perf_counter()
        org, admin, attendance_rows, tags = reuse() if keep and reuse() else build(now)
        print(f"built 20,000 memberships, {attendance_rows:,} attendance rows "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
        from crm.services.stats import member_stats_rebuild

        started = time.perf_counter()
        member_stats_rebuild(org_id=org.pk)
        rebuilt = time.perf_counter() - started
        print(f"read model and roll-ups for 20,000 people rebuilt in {rebuilt:.2f} s")
        with connection.cursor() as cursor:
            # What autovacuum does soon after a bulk load: statistics and visibility maps.
            cursor.execute("VACUUM ANALYZE")
        client = Client()
        client.force_login(admin)
        directory = reverse("crm:directory", kwargs={"slug": org.slug})
        pages = {
            "first page": directory,
            "level+tag+search": f"{directory}?level=moderate&tag={tags[2].pk}&q=member+01",
            "sorted by events": f"{directory}?sort=-events",
            "dashboard 12 months": reverse("crm:dashboard", kwargs={"slug": org.slug})
            + "?range=12m",
        }
        from crm.selectors.dashboard_activity import dashboard_cache_bump

        # The dashboard caches its attendance figures for ten minutes; the first admin
        # after that (or after any attendance change) waits for the cold figure.
        pages["dashboard 12 months cold"] = pages["dashboard 12 months"]
        cold = {"dashboard 12 months cold": lambda: dashboard_cache_bump(org_id=org.pk)}
        results = {}
        for label, url in pages.items():
            median, _size = timed(client, url, before=cold.get(label))
            if label.startswith("dashboard"):
                q25 = q100 = None
            else:
                q25, q100 = query_counts(client, url)
            results[label] = (median, q25, q100)
            queries = "" if q25 is None else f", queries {q25} at 25 rows / {q100} at 100 rows"
            print(f"{label:>22}: {median:6.1f} ms median of {REQUESTS}{queries}")
        baseline, _ = timed(client, f"/admin/orgs/membership/?org__id__exact={org.pk}")
        print(f"{'django admin changelist':>22}: {baseline:6.1f} ms median of {REQUESTS}")
        export_s, rows, growth = export_all(client, org)
        print(f"{'export (csv, all)':>22}: {export_s:.2f} s for {rows:,} rows, "
              f"peak memory +{growth:.0f} MB")  # fmt: skip
        worst = max(median for median, _, _ in results.values())
        constant = all(q25 == q100 for _, q25, q100 in results.values() if q25 is not None)
        ok = worst <= PAGE_BUDGET_MS and constant and export_s <= EXPORT_BUDGET_S and rows >= 20_000
        summary = ", ".join(f"{label} {median:.0f} ms" for label, (median, _, _) in results.items())
        print(
            f"directory: {summary}; admin changelist {baseline:.0f} ms "
            f"(slowest page {worst / baseline:.2f}x); "
            f"queries constant={constant}; export {rows:,} rows {export_s:.1f} s "
            f"(+{growth:.0f} MB); budget {PAGE_BUDGET_MS:.0f} ms / {EXPORT_BUDGET_S:.0f} s "
            f"{'OK' if ok else 'MISSED'}"
        )
        return 0 if ok else 1
    finally:
        connection.close()
        if not keep:
            teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
