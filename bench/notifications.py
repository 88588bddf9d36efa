"""Benchmark: 10,000 due reminders and "Did you attend?" prompts, two workers at once.

    .venv/bin/python bench/notifications.py

Builds its own throw-away database (`ASTN_TEST_DB`, default `bench_notifications`)
with Django's test-database machinery: 10 orgs × 100 members × 10 events = 10,000
"going" RSVPs, half on events tomorrow (their 1-day reminder is due) and half on events
that ended three hours ago (their "Did you attend?" prompt is due), as DESIGN §11's
"reminders + prompts, 10,000 due". Then two worker processes (forked, as Celery's
prefork workers are) each run both jobs (`event_reminders`, then `attendance_prompts`)
at once, each on its own connection, with Celery eager (as in tests): every batch
commit starts a sender in that process, so the time covers selecting, claiming,
queueing, rendering and sending every email. Each process sends to its own locmem
outbox and hands back what it sent; duplicates are counted across both.

`--threads` runs the two workers as threads of one process instead (how this bench ran
until 1 December 2026, with reminders only): they then share one interpreter lock,
which production workers do not, and each database round trip waits for the other
thread's Python work.

Baseline, measured in the same run: a plain bulk INSERT of the same 10,000
outbox rows (what storing the emails costs with no logic at all).

Budget (DESIGN §11): ≤ 30 s and 0 duplicates. The last line is the figure.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "astn.settings.test"
os.environ.setdefault("ASTN_TEST_DB", "bench_notifications")

import django  # noqa: E402

django.setup()

from django.core import mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

ORGS, MEMBERS_PER_ORG, EVENTS_PER_ORG = 10, 100, 10
BUDGET_SECONDS = 30.0
# Django's marker for "no password can log in" (what set_unusable_password stores).
UNUSABLE = "!"


def build(now) -> int:
    """Create the orgs, users (with profile and settings), memberships, events and RSVPs."""
    from astn.accounts.models import NotificationSettings, Profile, User
    from attendance.models import Attendance
    from events.models import Event
    from orgs.models import Membership, Organization

    tomorrow = now + timedelta(hours=23)  # the 1-day reminder is due
    earlier = now - timedelta(hours=5)  # ended 3 hours ago: the prompt is due
    with transaction.atomic():
        orgs = Organization.objects.bulk_create(
            Organization(name=f"Bench Hub {n}", slug=f"bench-hub-{n}", city="Berlin")
            for n in range(ORGS)
        )
        users = User.objects.bulk_create(
            User(email=f"member{n}@bench.example", name=f"Member {n}", password=UNUSABLE)
            for n in range(ORGS * MEMBERS_PER_ORG)
        )
        zones = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Pacific/Auckland"]
        Profile.objects.bulk_create(
            Profile(user=user, timezone=zones[n % len(zones)]) for n, user in enumerate(users)
        )
        NotificationSettings.objects.bulk_create(NotificationSettings(user=user) for user in users)
        memberships = Membership.objects.bulk_create(
            Membership(org=orgs[n // MEMBERS_PER_ORG], user=user, email=user.email, name=user.name)
            for n, user in enumerate(users)
        )
        events = Event.objects.bulk_create(
            Event(
                org=org,
                title=f"{org.name} night {n}",
                start=(tomorrow if n % 2 else earlier) + timedelta(minutes=n),
                end=(tomorrow if n % 2 else earlier) + timedelta(hours=2, minutes=n),
                timezone="Europe/Berlin",
                location="Café Kafka, Oranienstraße 1, Berlin",
                status=Event.Status.PUBLISHED,
                published_at=now - timedelta(days=10),
            )
            for org in orgs
            for n in range(EVENTS_PER_ORG)
        )
        by_org: dict[int, list] = {}
        for membership in memberships:
            by_org.setdefault(membership.org_id, []).append(membership)
        attendances = Attendance.objects.bulk_create(
            Attendance(
                event=event,
                membership=membership,
                rsvp=Attendance.Rsvp.GOING,
                rsvp_at=now - timedelta(days=2),
                rsvp_source="self",
            )
            for event in events
            for membership in by_org[event.org_id]
        )
    return len(attendances)


def _sent() -> list[tuple[str, str]]:
    return [(message.to[0], message.subject) for message in mail.outbox]


def _worker(now, barrier, answers, process: bool) -> None:
    """One worker: the reminders job and the prompts job, then what each queued, what it
    sent (a process has an outbox of its own; threads share the parent's) and its error,
    if any."""
    from attendance.services.prompts import prompts_send_due
    from attendance.services.reminders import reminders_send

    try:
        barrier.wait()
        queued = (reminders_send(now=now), prompts_send_due(now=now))
        answers.put((queued, _sent() if process else [], None))
    except BaseException as exc:  # reported by the parent
        answers.put(((0, 0), [], repr(exc)))
    finally:
        connection.close()


def run_two_workers(now, *, threads: bool) -> tuple[float, list, list[tuple[str, str]]]:
    """Both workers at once; return the time, what each queued and every email sent."""
    from astn.notifications.services import outbox_flush

    mail.outbox = []
    if threads:
        barrier, answers = threading.Barrier(2), queue.Queue()
        args = (now, barrier, answers, False)
        workers = [threading.Thread(target=_worker, args=args) for _ in "ab"]
    else:
        context = multiprocessing.get_context("fork")
        barrier, answers = context.Barrier(2), context.Queue()
        connection.close()  # each child opens its own; none inherits this socket
        args = (now, barrier, answers, True)
        workers = [context.Process(target=_worker, args=args) for _ in "ab"]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    results = [answers.get() for _ in workers]  # before join: a child flushes its queue
    for worker in workers:
        worker.join()
    outbox_flush()  # anything a sender left due (there should be nothing)
    elapsed = time.perf_counter() - started
    errors = [error for _queued, _emails, error in results if error]
    if errors:
        raise RuntimeError(errors[0])
    sent = _sent() + [email for _queued, emails, _error in results for email in emails]
    return elapsed, [queued for queued, _emails, _error in results], sent


def baseline_bulk_insert() -> float:
    """Time a bulk INSERT of copies of the outbox rows the run produced (rolled back)."""
    from astn.notifications.models import OutboundEmail

    rows = list(OutboundEmail.objects.all())
    for row in rows:
        row.pk = None
        row.key = "baseline:" + row.key
    started = time.perf_counter()
    with transaction.atomic():
        OutboundEmail.objects.bulk_create(rows, batch_size=1000)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def main() -> int:
    from astn.notifications.models import OutboundEmail

    # Not `setup_test_environment()`: it instruments template rendering for tests,
    # which production does not pay for. The test settings' locmem backend needs
    # only the outbox list.
    mail.outbox = []
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        now = timezone.now()
        due = build(now)
        elapsed, results, emails = run_two_workers(now, threads="--threads" in sys.argv)
        sent = Counter(emails)
        duplicates = sum(count - 1 for count in sent.values() if count > 1)
        statuses = Counter(OutboundEmail.objects.values_list("status", flat=True))
        baseline = baseline_bulk_insert()
        print(f"due reminders + prompts:    {due}")
        for n, (reminders, prompts) in enumerate(results, 1):
            print(f"worker {n} queued:            {reminders} reminders, {prompts} prompts")
        print(f"outbox rows by status:      {dict(statuses)}")
        print(f"emails sent (both outboxes): {len(emails)}")
        ok = elapsed <= BUDGET_SECONDS and duplicates == 0 and len(emails) == due
        workers = "threads" if "--threads" in sys.argv else "processes"
        print(
            f"notifications: {due} reminders + prompts in {elapsed:.1f} s by two {workers} "
            f"(baseline bulk insert {baseline:.1f} s, {elapsed / baseline:.1f}x), "
            f"sent={len(emails)}, duplicates={duplicates}, "
            f"budget {BUDGET_SECONDS:.0f} s {'OK' if ok else 'MISSED'}"
        )
        return 0 if ok else 1
    finally:
        connection.close()
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
