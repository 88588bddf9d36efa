"""Sending emails: claim due rows, render, send, retry with backoff, give up visibly.

`outbox_send_due()` is safe in any number of processes at once (rows are claimed
with `select_for_update(skip_locked=True)`). A row whose attempts reached
`ASTN_OUTBOX_MAX_ATTEMPTS` is failed *at claim time*: a message that kills its
sender (it never gets to record an outcome) is not sent again every lease. The
lifecycle is described in `outbox.py` and docs/notifications.md.
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
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from astn.core.mail import render_plain_text
from astn.notifications.models import EmailStatus, OutboundEmail
from astn.notifications.services.enqueue import send_soon
from astn.notifications.unsubscribe import category_enabled

logger = logging.getLogger(__name__)

# Rows claimed per transaction. Small, so one slow SMTP server holds few locks.
BATCH_SIZE = 25
# How long a claimed row stays invisible to other senders; it must outlast a batch.
LEASE = timedelta(minutes=15)
MAX_BACKOFF_SECONDS = 3600


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
    """Claim up to BATCH_SIZE due rows for this sender; fail those out of attempts.

    Counting the attempt at claim time means a message that kills its sender still
    runs out of attempts; failing it here, before it is sent again, is what stops it
    (and the rest of its batch) from being retried every lease forever.
    """
    with transaction.atomic():
        rows = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(status=EmailStatus.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("id", "attempts")[:BATCH_SIZE]
        )
        spent = [pk for pk, attempts in rows if attempts >= max_attempts()]
        ids = [pk for pk, attempts in rows if attempts < max_attempts()]
        if spent:
            OutboundEmail.objects.filter(pk__in=spent).update(
                status=EmailStatus.FAILED,
                last_error=(
                    f"Gave up after {max_attempts()} attempts: the sender stopped while "
                    "sending it (crash or timeout) and never recorded an outcome."
                ),
            )
            logger.error("outbox: emails %s failed at claim time (attempts spent)", spent)
        if ids:
            OutboundEmail.objects.filter(pk__in=ids).update(
                attempts=F("attempts") + 1, next_attempt_at=now + LEASE
            )
    if not ids:
        return _claim(now) if spent else []  # a batch of spent rows: look further
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
