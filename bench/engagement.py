"""Benchmark: engagement signals for an org of 20,000 memberships, and what Claude costs.

    .venv/bin/python -m astn.devservices exec -- .venv/bin/python bench/engagement.py

Builds its own throw-away database (`ASTN_TEST_DB`, default `bench_engagement`): one org
with 14,000 members with accounts and profiles and 6,000 contacts, 300 past events over
a year and 10 upcoming, ~300,000 attendance rows spread over archetypes (regulars,
occasional, fading, long gone, newcomers, lurkers), programs and matches in the log.

1. Signals, set-based (`engagement.scoring.signals.org_signals`, one SQL statement) for
   all 20,000 memberships: best of 3. Baseline in the same run: a naive per-membership
   ORM loop (the same figures with ~14 queries per member) on a sample, scaled to
   20,000; the two are checked to agree on the sample.
2. A simulated month against the fake Anthropic server on 127.0.0.1 (the real SDK,
   real JSON; token counts estimated at ~3 characters per token): a first full
   classification (one-off, through the Message Batches API), then 30 daily runs
   while the org holds 8 events (about 2 % of members at each, RSVPs before), people
   give feedback, join programs and meet matches, and days pass (recency buckets are
   crossed). Prints API calls, tokens and dollars per member-month at the configured
   model's prices.

Budget (DESIGN §11, issue #12): signals ≤ 5 s and ≥ 20× faster than the naive loop;
≤ $0.0001 per member per month. The last line has both figures.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "astn.settings.test"
os.environ.setdefault("ASTN_TEST_DB", "bench_engagement")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

MEMBERS, CONTACTS, PAST_EVENTS, UPCOMING, ATTENDANCE = 14_000, 6_000, 300, 10, 300_000
SAMPLE = 150
SIGNALS_BUDGET_S = 5.0
SPEEDUP_BUDGET = 20.0
COST_BUDGET = Decimal("0.0001")
UNUSABLE = "!"


def build(now):
    """Create the org and its history; return (org, attendance rows)."""
    from astn.accounts.models import PrivacySettings, Profile, User
    from events.models import Event
    from orgs.models import Membership, Organization

    year_ago = now - timedelta(days=365)
    with transaction.atomic():
        org = Organization.objects.create(name="Bench Hub", slug="bench-hub", city="Berlin")
        users = User.objects.bulk_create(
            (User(email=f"m{n}@bench.example", name=f"Member {n:05d}", password=UNUSABLE)
             for n in range(MEMBERS)), batch_size=5000,
        )  # fmt: skip
        Profile.objects.bulk_create(
            (Profile(user=u, city="Berlin" if n % 3 else "", headline=f"H {n}" if n % 2 else "",
                     calendar_token=f"bench-{n}")
             for n, u in enumerate(users)), batch_size=5000,
        )  # fmt: skip
        PrivacySettings.objects.bulk_create(
            (PrivacySettings(user=u, ai_classification_opt_out=n % 50 == 0)
             for n, u in enumerate(users)), batch_size=5000,
        )  # fmt: skip
        Membership.objects.bulk_create(
            [Membership(org=org, user=u, email=u.email, name=u.name,
                        joined_at=year_ago - timedelta(days=n % 400))
             for n, u in enumerate(users)]
            + [Membership(org=org, email=f"c{n}@contacts.example", name=f"Contact {n:05d}",
                          status=Membership.Status.CONTACT, source=Membership.Source.IMPORT,
                          joined_at=year_ago - timedelta(days=n % 300))
               for n in range(CONTACTS)],
            batch_size=5000,
        )  # fmt: skip
        # Newcomers (rank % 10 == 8) joined in the last month.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE orgs_membership SET joined_at = %s - (id %% 28) * interval '1 day'
                WHERE org_id = %s AND id IN (
                    SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) rn
                                    FROM orgs_membership WHERE org_id = %s) r WHERE rn %% 10 = 8)
                """,
                [now, org.pk, org.pk],
            )
        Event.objects.bulk_create(
            (Event(org=org, title=f"Bench event {n}", event_type=Event.EventType.values[n % 6],
                   start=year_ago + timedelta(hours=29 * n),
                   end=year_ago + timedelta(hours=29 * n + 2), timezone="Europe/Berlin",
                   status=Event.Status.PUBLISHED, published_at=year_ago)
             for n in range(PAST_EVENTS)), batch_size=1000,
        )  # fmt: skip
        Event.objects.bulk_create(
            (Event(org=org, title=f"Upcoming {n}", event_type="meetup",
                   start=now + timedelta(days=3 + 4 * n),
                   end=now + timedelta(days=3 + 4 * n, hours=2),
                   timezone="Europe/Berlin", status=Event.Status.PUBLISHED, published_at=now)
             for n in range(UPCOMING)),
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO attendance_attendance
                  (event_id, membership_id, rsvp, rsvp_at, rsvp_source, attended,
                   attended_source, prompt_count, feedback, created_at, updated_at, rating)
                SELECT e.id, m.id, 'going', e.start - interval '3 days', 'self',
                       (m.id + e.id) %% 10 < 8, 'import', 0, '', now(), now(),
                       CASE WHEN (m.id + e.id) %% 13 = 0 THEN 4 END
                FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn
                      FROM orgs_membership WHERE org_id = %(org)s) m
                JOIN events_event e ON e.org_id = %(org)s AND e.start < %(now)s
                JOIN (VALUES (0, 150, 0), (1, 120, 0), (2, 50, 0), (3, 50, 0), (4, 40, 0),
                             (5, 100, 150), (6, 80, 150), (7, 40, 270), (9, 12, 0))
                     AS a(archetype, permille, min_age) ON a.archetype = m.rn %% 10
                WHERE (m.id * 31 + e.id * 17) %% 1000 < a.permille
                  AND e.start < %(now)s - a.min_age * interval '1 day'
                LIMIT %(limit)s
                """,
                {"org": org.pk, "now": now, "limit": ATTENDANCE},
            )  # fmt: skip
            rows = cursor.rowcount
            # Programs and matches for some regulars, in the log and (older) in rollups.
            cursor.execute(
                """
                INSERT INTO engagement_activity
                  (org_id, membership_id, kind, occurred_at, metadata, dedupe_key, created_at)
                SELECT %(org)s, id, k.kind, %(now)s - (id %% 80) * interval '1 day', '{}', '',
                       now()
                FROM orgs_membership, (VALUES ('program_enrolled'), ('match_met')) k(kind)
                WHERE org_id = %(org)s AND id %% 10 = 0
                """,
                {"org": org.pk, "now": now},
            )
            cursor.execute("ANALYZE")
    return org, rows


def naive_signals(membership, now) -> dict:
    """The same figures the SQL computes, the way a first version would: per member, ORM."""
    from attendance.models import Attendance
    from engagement.models import Activity, ActivityRollup
    from engagement.scoring.signals import PROFILE_FIELDS
    from events.models import Event

    org = membership.org
    past = Event.objects.filter(
        org=org, status="published", start__lte=now, start__gt=now - timedelta(days=365)
    )
    mine = Attendance.objects.filter(membership=membership, event__in=past)
    went = mine.filter(attended=True)

    def went_between(newer, older):
        return went.filter(
            event__start__gt=now - timedelta(days=older),
            event__start__lte=now - timedelta(days=newer),
        ).count()

    a90 = went_between(0, 90)
    first = went.order_by("event__start").values_list("event__start", flat=True).first()
    since = max(now - timedelta(days=90), min(membership.joined_at, first or membership.joined_at))
    held = past.filter(start__gt=since).count()
    logged = Activity.objects.filter(membership=membership)
    rolled = ActivityRollup.objects.filter(membership=membership)

    def total(kind):
        return logged.filter(kind=kind).count() + sum(
            rolled.filter(kind=kind).values_list("count", flat=True)
        )

    profile = getattr(membership.user, "profile", None) if membership.user_id else None
    return {
        "attended_30d": went_between(0, 30),
        "attended_90d": a90,
        "attended_prev_90d": went_between(90, 180),
        "attended_365d": went.count(),
        "no_shows_365d": mine.filter(rsvp="going", attended=False).count(),
        "org_events_90d": held,
        "event_types_365d": went.values("event__event_type").distinct().count(),
        "feedback_365d": mine.exclude(rating=None).count() + mine.exclude(feedback="").count()
        - mine.exclude(rating=None).exclude(feedback="").count(),
        "programs_enrolled": total("program_enrolled"),
        "matches_met": total("match_met"),
        "upcoming_rsvps": Attendance.objects.filter(
            membership=membership, event__org=org, event__start__gt=now,
            rsvp__in=["going", "maybe"], event__status="published",
        ).count(),
        "profile_completeness": None if profile is None else round(
            100 * (sum(1 for f in profile.COMPLETENESS_FIELDS if getattr(profile, f))
                   + (1 if membership.user.name else 0)) / PROFILE_FIELDS),
    }  # fmt: skip


def measure_signals(org, now) -> tuple[float, float, int]:
    from engagement.scoring.signals import org_signals
    from orgs.models import Membership

    times = []
    for _ in range(3):
        started = time.perf_counter()
        result = org_signals(org=org, now=now)
        times.append(time.perf_counter() - started)
    set_based = min(times)
    by_id = {s.membership_id: s.signals for s in result}
    sample = list(
        Membership.objects.filter(org=org)
        .select_related("org", "user__profile")
        .order_by("?")[:SAMPLE]
    )
    started = time.perf_counter()
    naive = {m.pk: naive_signals(m, now) for m in sample}
    per_member = (time.perf_counter() - started) / len(sample)
    for pk, figures in naive.items():
        for key, value in figures.items():
            assert by_id[pk][key] == value, (pk, key, by_id[pk][key], value)
    return set_based, per_member * len(result), len(result)


def simulate_month(org, start):
    """First classification, then 30 days of activity and daily runs; return the figures."""
    from django.conf import settings

    from attendance.models import Attendance
    from engagement.models import EngagementScore, LlmUsage
    from engagement.services import ActivityItem, activity_record_many
    from engagement.services.recompute import engagement_recompute_org
    from events.models import Event
    from orgs.models import Membership
    from tests.fakes.anthropic import API_KEY, FakeAnthropic

    rng = random.Random(7)
    members = list(Membership.objects.filter(org=org).order_by("pk").values_list("pk", flat=True))
    # Who turns up: regulars and occasional people mostly (rank % 10 in 0..4).
    likely = [pk for n, pk in enumerate(members) if n % 10 in (0, 1, 2, 3, 4)]
    with FakeAnthropic() as fake:
        settings.ANTHROPIC_API_KEY = API_KEY
        settings.ANTHROPIC_BASE_URL = fake.url
        model = settings.ASTN_LLM_MODEL

        def run(day_at):
            result = engagement_recompute_org(org=org, now=day_at)
            fake.end_batches()  # a batch ends within the day; the next run collects it
            return result

        started = time.perf_counter()
        run(start)
        run(start + timedelta(hours=1))
        initial_cost = sum(LlmUsage.objects.values_list("cost_usd", flat=True), Decimal(0))
        initial_calls = fake.api_calls
        classified = EngagementScore.objects.filter(org=org, source="llm").count()
        print(f"first classification: {classified:,} by Claude, {initial_calls} API calls, "
              f"${initial_cost:.2f} one-off, {time.perf_counter() - started:.0f} s")  # fmt: skip
        LlmUsage.objects.all().delete()
        calls_before = fake.api_calls
        sent = 0
        month_start = time.perf_counter()
        for day in range(1, 31):
            day_at = start + timedelta(days=day)
            with transaction.atomic():
                if day % 4 == 0:  # an event yesterday evening: ~2 % of members came
                    at = day_at - timedelta(hours=8)
                    event = Event.objects.create(
                        org=org, title=f"Month event {day}", event_type="meetup", start=at,
                        end=at + timedelta(hours=2), status="published", published_at=at,
                    )  # fmt: skip
                    came = rng.sample(likely, len(members) // 50)
                    Attendance.objects.bulk_create(
                        Attendance(event=event, membership_id=pk, rsvp="going",
                                   rsvp_at=at - timedelta(days=2), rsvp_source="self",
                                   attended=True, attended_source="admin",
                                   rating=4 if pk % 5 == 0 else None)
                        for pk in came
                    )  # fmt: skip
                    activity_record_many(items=[
                        ActivityItem(membership_id=pk, org_id=org.pk, kind="attended",
                                     occurred_at=at, metadata={"event_id": event.pk})
                        for pk in came
                    ])  # fmt: skip
                if day % 7 == 3:  # programs and matches, a few dozen a week
                    activity_record_many(items=[
                        ActivityItem(membership_id=pk, org_id=org.pk,
                                     kind=rng.choice(["program_enrolled", "match_met"]),
                                     occurred_at=day_at - timedelta(hours=5))
                        for pk in rng.sample(likely, 40)
                    ])  # fmt: skip
            result = run(day_at)
            sent += result.sent
        calls = fake.api_calls - calls_before
        usage = LlmUsage.objects.all()
        cost = sum(usage.values_list("cost_usd", flat=True), Decimal(0))
        tokens_in = sum(usage.values_list("input_tokens", flat=True)) + sum(
            usage.values_list("cache_read_tokens", flat=True)
        )
        tokens_out = sum(usage.values_list("output_tokens", flat=True))
        per_member = cost / len(members)
        print(f"month: 30 daily runs in {time.perf_counter() - month_start:.0f} s, "
              f"{sent:,} classifications sent, {calls} API calls, {tokens_in:,} input / "
              f"{tokens_out:,} output tokens, ${cost:.4f} at {model} prices")  # fmt: skip
        return per_member


def main() -> int:
    from django.conf import settings

    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        now = timezone.now()
        started = time.perf_counter()
        org, rows = build(now)
        print(f"built {MEMBERS + CONTACTS:,} memberships, {rows:,} attendance rows "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
        set_based, naive_total, count = measure_signals(org, now)
        speedup = naive_total / set_based
        print(f"signals, set-based: {set_based:.2f} s for {count:,} memberships (best of 3)")
        print(f"signals, naive ORM loop: {naive_total:.0f} s scaled from {SAMPLE} members "
              f"(same figures) — {speedup:.0f}× slower")  # fmt: skip
        per_member = simulate_month(org, now)
        print(f"cost per member-month: ${per_member:.6f} (budget ${COST_BUDGET})")
        ok = (
            set_based <= SIGNALS_BUDGET_S
            and speedup >= SPEEDUP_BUDGET
            and per_member <= COST_BUDGET
        )
        print(f"{'OK' if ok else 'OVER BUDGET'}: signals {set_based:.2f} s for 20,000 "
              f"({speedup:.0f}× the naive loop), ${per_member:.6f} per member-month "
              f"on {settings.ASTN_LLM_MODEL}")  # fmt: skip
        return 0 if ok else 1
    finally:
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
