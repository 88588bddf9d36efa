"""The email outbox: enqueue an email once, send it once, retry, give up visibly.

Lifecycle of an `OutboundEmail` (docs/notifications.md has the picture):

1. `email_enqueue()` inserts a `queued` row unless its key exists, and asks a
   worker to send due rows once the transaction commits.
2. `outbox_send_due()` claims due rows in small batches (`select_for_update(
   skip_locked=True)`), counts the attempt and pushes `next_attempt_at` forward
   by a lease, then renders and sends each one and marks it `sent`.
3. A transient failure (4xx reply, lost connection) sets `next_attempt_at` to a
   backoff; a permanent one (5xx reply, a broken template), or the last allowed
   attempt, marks the row `failed` with `last_error`, for staff to see in the
   admin and re-queue.
4. A row whose sender died keeps its lease and becomes due when it runs out:
   the `outbox_sweep` job (every 5 minutes) sends whatever is due.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import secrets
import smtplib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.validators import validate_email
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from astn.accounts.models import User
from astn.core.mail import render_plain_text
from astn.notifications.models import EmailStatus, OutboundEmail
from astn.notifications.unsubscribe import Category, category_enabled, unsubscribe_headers

logger = logging.getLogger(__name__)

# Rows claimed per transaction. Small, so one slow SMTP server holds few locks.
BATCH_SIZE = 25
# How long a claimed row stays invisible to other senders; it must outlast a batch.
LEASE = timedelta(minutes=15)
MAX_BACKOFF_SECONDS = 3600


class EmailEnqueueError(ValueError):
    """An email that cannot be queued as asked (a programming error in the caller)."""


def max_attempts() -> int:
    return settings.ASTN_OUTBOX_MAX_ATTEMPTS


def retry_delay(attempts: int) -> timedelta:
    """Return how long to wait after failed attempt number `attempts` (1-based).

    Exponential from `ASTN_OUTBOX_RETRY_BASE_SECONDS`, capped at an hour, with up
    to 10 % jitter so a burst of failures does not come back as a burst.
    """
    base = settings.ASTN_OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    seconds = min(base, MAX_BACKOFF_SECONDS)
    jitter = secrets.randbelow(1001) / 10_000  # 0 .. 0.1
    return timedelta(seconds=seconds * (1 + jitter))


# --- Enqueueing ---------------------------------------------------------------------------


def _check_templates(template: str) -> None:
    for extension in ("html", "txt"):
        get_template(f"{template}.{extension}")  # raises TemplateDoesNotExist now, not later


def _insert_unless_key_exists(email: OutboundEmail) -> bool:
    """Insert `email` unless its key exists; set its pk and return whether it was inserted.

    One statement, `INSERT ... ON CONFLICT (key) DO NOTHING RETURNING id`: atomic
    on its own and safe under concurrency (of two transactions inserting one key,
    the second waits for the first, then inserts nothing). `get_or_create` would
    take four statements and two savepoints per email, and jobs queue thousands.
    """
    opts = OutboundEmail._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608 - identifiers from the model
        f"ON CONFLICT ({quote('key')}) DO NOTHING RETURNING {quote(opts.pk.column)}"
    )
    params = [f.get_db_prep_save(f.pre_save(email, add=True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    email.pk = row[0]
    email._state.adding = False
    email._state.db = connection.alias
    return True


def _build_email(
    *,
    key: str,
    to: str,
    subject: str,
    template: str,
    context: dict,
    category: str | None = None,
    user: User | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[dict] | None = None,
    send_at: datetime | None = None,
    now: datetime,
) -> OutboundEmail:
    """Validate one email's arguments (see `email_enqueue`) and return its unsaved row."""
    to = (to or "").strip()
    try:
        validate_email(to)
    except ValidationError:
        raise EmailEnqueueError(f"not an email address: {to!r}") from None
    if not key or len(key) > 200:
        raise EmailEnqueueError("an email needs a key of 1 to 200 characters")
    context = dict(context)
    headers = dict(headers or {})
    if category:
        if category not in Category.values or category == Category.ALL:
            raise EmailEnqueueError(f"unknown email category {category!r}")
        if user is None:
            raise EmailEnqueueError("an email with a category needs the recipient user")
        unsubscribe = unsubscribe_headers(user, category)
        headers.update(unsubscribe)
        context["unsubscribe_url"] = unsubscribe["List-Unsubscribe"].strip("<>")
    email = OutboundEmail(
        key=key,
        to=to,
        user=user,
        # A newline in a subject is a header injection; Django would refuse to send.
        subject=" ".join(subject.split())[:255],
        template=template,
        context=context,
        category=category or "",
        headers=headers,
        attachments=list(attachments or []),
        next_attempt_at=send_at or now,
        created_at=now,
    )
    return email


# Not @transaction.atomic: the row is one INSERT statement, atomic by itself, and a
# savepoint per email would double the cost of a job queueing thousands.
def email_enqueue(
    *,
    key: str,
    to: str,
    subject: str,
    template: str,
    context: dict,
    category: str | None = None,
    user: User | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[dict] | None = None,
    send_at: datetime | None = None,
) -> OutboundEmail | None:
    """Queue one email, unless an email with `key` was queued before.

    `key` names the intended message, `<kind>:<ids>` (`reminder:812:1h`); a key
    that exists makes this a no-op that returns None. `template` is a template
    name without extension: `<template>.html` and `<template>.txt` are rendered
    with `context` when the email is sent, so `context` must be JSON-serialisable
    (format dates and times, in the member's zone, before passing them).

    A non-transactional email names its unsubscribe `category` and the
    recipient `user`: it then carries `List-Unsubscribe` headers and the
    template gets `unsubscribe_url`, and it is not sent if the member has
    switched the category off by then. `send_at` delays the email (the future
    lives in this table, never in a Celery ETA).

    Side effect: after commit, a worker is asked to send due emails.
    Raise `EmailEnqueueError` for an unusable address, key or category and
    `TemplateDoesNotExist` for a missing template.
    """
    now = timezone.now()
    email = _build_email(
        key=key,
        to=to,
        subject=subject,
        template=template,
        context=context,
        category=category,
        user=user,
        headers=headers,
        attachments=attachments,
        send_at=send_at,
        now=now,
    )
    _check_templates(template)
    if not _insert_unless_key_exists(email):
        return None
    if send_at is None or send_at <= now:
        send_soon()
    return email


# Rows per INSERT statement in `email_enqueue_many`.
INSERT_CHUNK = 500


def _insert_many_unless_keys_exist(emails: list[OutboundEmail]) -> list[OutboundEmail]:
    """Insert `emails` whose keys do not exist, a chunk per statement; return those inserted.

    `INSERT ... VALUES (...), (...) ON CONFLICT (key) DO NOTHING RETURNING id, key`:
    like `_insert_unless_key_exists`, safe under concurrency, at one round trip per
    chunk. Of two emails with one key in the list, the first wins.
    """
    opts = OutboundEmail._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row_placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    inserted: list[OutboundEmail] = []
    for start in range(0, len(emails), INSERT_CHUNK):
        chunk: dict[str, OutboundEmail] = {}
        for email in emails[start : start + INSERT_CHUNK]:
            chunk.setdefault(email.key, email)
        sql = (
            f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES "  # noqa: S608 - identifiers from the model
            + ", ".join([row_placeholder] * len(chunk))
            + f" ON CONFLICT ({quote('key')}) DO NOTHING"
            + f" RETURNING {quote(opts.pk.column)}, {quote('key')}"
        )
        params = [
            f.get_db_prep_save(f.pre_save(email, add=True), connection)
            for email in chunk.values()
            for f in fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for pk, key in rows:
            email = chunk[key]
            email.pk = pk
            email._state.adding = False
            email._state.db = connection.alias
            inserted.append(email)
    return inserted


def email_enqueue_many(emails: list[dict], *, skip_unusable: bool = False) -> list[OutboundEmail]:
    """Queue many emails at once; return the rows inserted (emails whose key existed are not).

    Each item holds `email_enqueue`'s keyword arguments. For jobs that queue
    thousands (reminders, prompts): one statement per 500 emails instead of one
    per email. An unusable item (address, key or category) raises
    `EmailEnqueueError` before anything is written — or, with `skip_unusable`
    (what a job wants: one bad address must not hold up everyone's emails), is
    logged by its key and left out. Side effect as `email_enqueue`.
    """
    now = timezone.now()
    built = []
    for email in emails:
        try:
            built.append(_build_email(**email, now=now))
        except EmailEnqueueError as exc:
            if not skip_unusable:
                raise
            logger.warning("outbox: not queueing %s: %s", email.get("key"), exc)
    for template in {email.template for email in built}:
        _check_templates(template)
    inserted = _insert_many_unless_keys_exist(built)
    if any(email.next_attempt_at <= now for email in inserted):
        send_soon()
    return inserted


def _dispatch_send() -> None:
    from kombu.exceptions import OperationalError

    from astn.notifications.tasks import outbox_send_due_task

    try:
        outbox_send_due_task.delay()
    except (OperationalError, ConnectionError):
        # The rows are safe in the table; the sweeper sends them within minutes.
        logger.warning("outbox: could not reach the broker; the sweeper will send")


def send_soon() -> None:
    """Ask a worker to send due emails once the current transaction commits.

    Called once per enqueued email, it registers one callback per transaction:
    a job that queues 10,000 emails in one transaction starts one sender, not
    10,000. Django has no API for "is this callback registered already", so we
    look at the connection's list. A callback still in it survives exactly
    when our row does: Django drops the callbacks of a savepoint that rolls
    back, and any savepoint a surviving callback still depends on is one we
    are inside too.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _dispatch_send for _sids, func, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_dispatch_send)


@transaction.atomic
def outbox_requeue(*, email_ids: list[int]) -> int:
    """Give failed emails a fresh set of attempts, now. Return how many were re-queued."""
    count = OutboundEmail.objects.filter(pk__in=email_ids, status=EmailStatus.FAILED).update(
        status=EmailStatus.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    if count:
        send_soon()
    return count


# --- Rendering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def outbox_render(email: OutboundEmail) -> RenderedEmail:
    """Render an outbox row's text and HTML parts, as the sender (and the admin) see them."""
    context = {
        **email.context,
        "subject": email.subject,
        "category": email.category,
        "site_url": settings.SITE_URL,
        "recipient": email.to,
    }
    context.setdefault("unsubscribe_url", "")
    return RenderedEmail(
        subject=email.subject,
        text=render_plain_text(f"{email.template}.txt", context),  # no HTML escaping
        html=render_to_string(f"{email.template}.html", context),
    )


def build_message(email: OutboundEmail, *, connection=None) -> EmailMultiAlternatives:
    rendered = outbox_render(email)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers=dict(email.headers),
        connection=connection,
    )
    message.attach_alternative(rendered.html, "text/html")
    for attachment in email.attachments:
        content = attachment["content"]
        if attachment.get("base64"):
            content = base64.b64decode(content)
        message.attach(attachment["filename"], content, attachment.get("mimetype"))
    return message


# --- Sending ------------------------------------------------------------------------------


def is_transient(exc: BaseException) -> bool:
    """Whether trying again later may succeed: 4xx replies, lost connections, timeouts.

    5xx replies are permanent for this message. A failed login is transient: it
    is the server's configuration, not the message, and staff may fix it in time.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500 or exc.smtp_code < 0
    # SMTPServerDisconnected, and the OSError family (refused, reset, timed out, DNS).
    return isinstance(exc, (smtplib.SMTPServerDisconnected, OSError))


def describe_error(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:2000]


class _Mailer:
    """One email-backend connection for a run, reopened after a failure."""

    def __init__(self) -> None:
        self.connection: BaseEmailBackend | None = None

    def send(self, message: EmailMultiAlternatives) -> None:
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            self.connection.open()
        try:
            self.connection.send_messages([message])
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.connection is not None:
            # Closing a broken connection may fail too; it is gone either way.
            with contextlib.suppress(Exception):
                self.connection.close()
            self.connection = None


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.sent + self.retrying + self.failed + self.cancelled


def _claim(now: datetime) -> list[OutboundEmail]:
    with transaction.atomic():
        ids = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(status=EmailStatus.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:BATCH_SIZE]
        )
        if not ids:
            return []
        # Counting the attempt at claim time means a message that kills its sender
        # still runs out of attempts instead of looping forever.
        OutboundEmail.objects.filter(pk__in=ids).update(
            attempts=F("attempts") + 1, next_attempt_at=now + LEASE
        )
    return list(
        OutboundEmail.objects.filter(pk__in=ids)
        .select_related("user__notification_settings")
        .order_by("id")
    )


def _finish(email: OutboundEmail, **values) -> None:
    """Record the outcome of one attempt, committed at once (not at the end of the batch)."""
    OutboundEmail.objects.filter(pk=email.pk, status=EmailStatus.QUEUED).update(**values)


@contextlib.contextmanager
def _commits_without_waiting_for_disk():
    """Let this session's commits return before the WAL reaches the disk.

    Safe for the outbox: should the database server crash in that instant, a
    lost outcome leaves the row `queued` under its lease and it is sent again,
    exactly as if this process had died a moment earlier; a lost claim leaves
    the row due. Waiting for the flush would more than double the time per email.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        # A broken connection is discarded by Django anyway.
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _deliver(email: OutboundEmail, mailer: _Mailer, now: datetime, report: SendReport) -> None:
    if email.category:
        prefs = getattr(email.user, "notification_settings", None) if email.user else None
        if prefs is None or not category_enabled(prefs, email.category):
            _finish(email, status=EmailStatus.CANCELLED, last_error="Recipient unsubscribed.")
            report.cancelled += 1
            return
    try:
        message = build_message(email)
        mailer.send(message)
    except Exception as exc:
        error = describe_error(exc)
        report.errors.append(error)
        if is_transient(exc) and email.attempts < max_attempts():
            _finish(email, last_error=error, next_attempt_at=now + retry_delay(email.attempts))
            report.retrying += 1
            logger.warning(
                "outbox: email %s attempt %s failed, will retry: %s",
                email.pk,
                email.attempts,
                exc.__class__.__name__,
            )
        else:
            _finish(email, status=EmailStatus.FAILED, last_error=error)
            report.failed += 1
            logger.error(
                "outbox: email %s failed after %s attempts: %s",
                email.pk,
                email.attempts,
                exc.__class__.__name__,
            )
        return
    _finish(email, status=EmailStatus.SENT, sent_at=timezone.now(), last_error="")
    report.sent += 1


def outbox_send_due(*, now: datetime | None = None, budget_seconds: float = 600) -> SendReport:
    """Send every queued email that is due; return what happened.

    Safe to run in any number of processes at once: each row is claimed by one
    of them. Stops claiming new batches after `budget_seconds` (the rest are
    sent by the next run). `now` is for tests that step through the backoff.
    Must not run inside a transaction (claims have to commit to be seen).
    """
    report = SendReport()
    mailer = _Mailer()
    started = time.monotonic()
    try:
        with _commits_without_waiting_for_disk():
            while time.monotonic() - started < budget_seconds:
                at = now or timezone.now()
                batch = _claim(at)
                if not batch:
                    break
                for email in batch:
                    _deliver(email, mailer, at, report)
    finally:
        mailer.close()
    return report


def outbox_flush() -> SendReport:
    """Send everything due now, in this process, before returning (`run_job`, tests)."""
    return outbox_send_due(budget_seconds=float("inf"))
