"""Benchmark: the insights page of an org with 20,000 memberships.

    .venv/bin/python -m astn.devservices exec -- .venv/bin/python bench/insights.py

Builds its own throw-away database (`ASTN_TEST_DB`, default `bench_insights`) with the
data of `bench/directory.py` (15,000 members and 5,000 contacts, 500 past events,
300,000 attendance rows, a score for everyone, some overrides), plus what insights add:
5 upcoming events, an interest vector for every member (256-d, pgvector), 60 completed
program enrollments and 300 invitations.

Then, through Django's test client as the org's admin (the whole request: middleware,
view, every insight, template), the median of 10 requests of `/admin/insights/` for the
last 90 days, for 12 months, and the company view.

Baseline, in the same run: the one aggregate any per-member insight needs at least — the
org's attended rows grouped by membership (`SELECT membership_id, count(*) ... GROUP BY`).

Budget (issue #14): ≤ 1 s per page. The last line is the figure.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "astn.settings.test"
os.environ.setdefault("ASTN_TEST_DB", "bench_insights")
os.environ.setdefault("EMBEDDINGS_BACKEND", "hashing")

# The directory benchmark's data set, built by its own `build` (one definition of it).
_spec = importlib.util.spec_from_file_location("bench_directory", ROOT / "bench" / "directory.py")
assert _spec is not None
assert _spec.loader is not None
directory = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(directory)

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

REQUESTS = 10
BUDGET_MS = 1000.0
UPCOMING = 5


def build_insights(org, admin, now) -> None:
    import numpy as np

    from crm.models import Enrollment, Invitation, MemberInterestVector, Program
    from events.models import Event
    from orgs.models import Membership

    rng = np.random.default_rng(14)
    with transaction.atomic():
        upcoming = Event.objects.bulk_create(
            Event(org=org, title=f"Upcoming {n}", event_type=Event.EventType.values[n % 6],
                  description="Reading and talking about AI safety and governance.",
                  start=now + timedelta(days=3 + 7 * n), end=now + timedelta(days=3 + 7 * n,
                  hours=2), timezone="Europe/Berlin", status=Event.Status.PUBLISHED,
                  published_at=now)
            for n in range(UPCOMING)
        )  # fmt: skip
        members = list(
            Membership.objects.filter(org=org, status=Membership.Status.MEMBER, user__isnull=False)
        )
        vectors = rng.normal(size=(len(members), 256)).astype("float32")
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        MemberInterestVector.objects.bulk_create(
            (MemberInterestVector(membership=m, text_hash="bench", vector=vectors[i])
             for i, m in enumerate(members)), batch_size=2000,
        )  # fmt: skip
        program = Program.objects.create(org=org, name="Bench reading group", required_sessions=1)
        Enrollment.objects.bulk_create(
            Enrollment(program=program, membership=m, status=Enrollment.Status.COMPLETED,
                       completed_at=now) for m in members[:60]
        )  # fmt: skip
        Invitation.objects.bulk_create(
            Invitation(event=upcoming[n % UPCOMING], membership=m, sent_by=admin)
            for n, m in enumerate(members[100:400])
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def baseline_ms(org) -> float:
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT a.membership_id, count(*) FROM attendance_attendance a
                   JOIN events_event e ON e.id = a.event_id
                   WHERE e.org_id = %s AND a.attended GROUP BY a.membership_id""",
                [org.pk],
            )
            cursor.fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def parts(org) -> None:
    """Time each insight on its own (what the page is made of)."""
    from django.http import QueryDict

    from crm.selectors import insights
    from crm.selectors.invitations import org_conversion, upcoming_for_invitations, whom_to_invite
    from crm.selectors.period import period_from_params

    period = period_from_params(QueryDict("range=90d"))
    steps = {}

    def step(name, fn):
        started = time.perf_counter()
        value = fn()
        steps[name] = (time.perf_counter() - started) * 1000
        return value

    figures = step("member figures (one statement, flagged rows)", lambda: insights.member_figures(
        org=org, period=period))  # fmt: skip
    step("event summary", lambda: insights.event_summary(org=org, period=period))
    step("leaderboard + advocates (from those rows)", lambda: (insights.leaderboard(figures),
         insights.advocacy_candidates(figures)))  # fmt: skip
    step("by company (one statement)", lambda: insights.by_company(org=org, period=period))
    step("declining + missed events", lambda: insights.declining(figures, org=org, period=period))
    events = upcoming_for_invitations(org=org)
    step("whom to invite (5 events)", lambda: whom_to_invite(org=org, events=events))
    step("invitation conversion", lambda: org_conversion(org=org, since=period.start))
    for name, ms in steps.items():
        print(f"  {name:46} {ms:7.1f} ms")


def main() -> None:
    # BENCH_KEEPDB=1 keeps the database between runs (to study a query plan); the data is
    # then built once and reused.
    keep = os.environ.get("BENCH_KEEPDB") == "1"
    old = setup_databases(verbosity=0, interactive=False, keepdb=keep)
    try:
        from astn.accounts.models import User
        from orgs.models import Organization

        now = timezone.now()
        started = time.perf_counter()
        org = Organization.objects.filter(slug="bench-hub").first()
        if org is None:
            org, admin, rows, _ = directory.build(now)
            build_insights(org, admin, now)
            print(f"built 20,000 memberships and {rows:,} attendance rows "
                  f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        admin = User.objects.get(email="admin@bench.example")
        from django.conf import settings

        # The test client's host; not `setup_test_environment()`, which instruments templates.
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(admin)
        url = reverse("crm:insights", kwargs={"slug": org.slug})
        base = baseline_ms(org)
        parts(org)
        print(f"baseline: one GROUP BY over the org's attendance   {base:7.1f} ms")
        worst = 0.0
        for label, query in (
            ("insights, last 90 days", "?range=90d"),
            ("insights, 12 months", "?range=12m"),
            ("insights, by company", "?range=90d&board=company"),
        ):
            median, size = directory.timed(client, url + query, n=REQUESTS)
            worst = max(worst, median)
            print(
                f"{label:48} {median:7.1f} ms  ({size // 1024} KB, {median / base:.1f}× baseline)"
            )
        verdict = "OK" if worst <= BUDGET_MS else "OVER BUDGET"
        print(f"insights page for 20,000 memberships: {worst:.0f} ms (budget {BUDGET_MS:.0f} ms) "
              f"{verdict}")  # fmt: skip
    finally:
        if not keep:
            teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
