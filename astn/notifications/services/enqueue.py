"""Enqueueing emails: one row per intended email, inserted once per idempotency key.

`email_enqueue()` / `email_enqueue_many()` validate, insert `queued` rows with
`INSERT ... ON CONFLICT (key) DO NOTHING`, and ask a worker to send once the
transaction commits (`send_soon()`). Sending lives in `sending.py`; the lifecycle
is described in `outbox.py` and docs/notifications.md.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.template.loader import get_template
from django.utils import timezone

from astn.accounts.models import User
from astn.notifications.errors import EmailEnqueueError as EmailEnqueueError
from astn.notifications.models import OutboundEmail
from astn.notifications.unsubscribe import is_category, unsubscribe_headers

logger = logging.getLogger(__name__)


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
        # No address in the message: it ends up in logs (skip_unusable), and logs keep
        # no email addresses (docs/notifications.md, "Personal data").
        raise EmailEnqueueError(f"not an email address ({len(to)} characters)") from None
    if not key or len(key) > 200:
        raise EmailEnqueueError("an email needs a key of 1 to 200 characters")
    context = dict(context)
    headers = dict(headers or {})
    if category:
        if not is_category(category):  # any registered one but "all"
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
