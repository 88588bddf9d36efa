"""The I/O rule, enforced in every test: no outside I/O while a DB transaction is open.

A request to lu.ma, an iCal feed or Anthropic can take seconds (or the whole task
limit); an SMTP conversation too. Inside a transaction that time is spent holding
row locks (an RSVP waits), an open snapshot (vacuum waits) and a pooled connection.
So outside calls happen before or after a transaction, never inside one
(docs/architecture.md, "No outside I/O inside a transaction").

This plugin is loaded for the whole suite (tests/conftest.py, `pytest_plugins`).
Its autouse fixture wraps `httpx.Client.send`, `httpx.AsyncClient.send` and
`smtplib.SMTP.connect`: when one runs while the calling thread's connection is
inside an `atomic` block *that the code under test opened*, the call fails with
`OutsideIOInTransaction` before any byte leaves. The atomic blocks pytest-django
opens around a test (Django's `TestCase` marks them `_from_testcase`) do not count,
so the guard works the same in `transaction=True` tests and in ordinary ones.

`transaction_open()` is what the guard checks; tests of our own may call it too.
"""

from __future__ import annotations

import smtplib

import httpx
import pytest
from django.db import connections


class OutsideIOInTransaction(AssertionError):
    """Outside I/O (HTTP, SMTP) was attempted while a database transaction was open."""


def transaction_open() -> list[str]:
    """Return the aliases of this thread's connections inside an atomic block of our code."""
    busy = []
    for connection in connections.all(initialized_only=True):
        if any(not block._from_testcase for block in connection.atomic_blocks):
            busy.append(connection.alias)
    return busy


def check_no_transaction(what: str) -> None:
    busy = transaction_open()
    if busy:
        raise OutsideIOInTransaction(
            f"{what} while a database transaction is open on {', '.join(busy)}: "
            "fetch first, then write in a short transaction."
        )


@pytest.fixture(autouse=True)
def no_outside_io_in_transactions(monkeypatch):
    """Fail any httpx request or SMTP connection made inside a transaction."""
    sync_send = httpx.Client.send
    async_send = httpx.AsyncClient.send
    smtp_connect = smtplib.SMTP.connect

    def guarded_send(self, request, **kwargs):
        check_no_transaction(f"HTTP {request.method} {request.url.copy_with(query=None)}")
        return sync_send(self, request, **kwargs)

    async def guarded_async_send(self, request, **kwargs):
        check_no_transaction(f"HTTP {request.method} {request.url.copy_with(query=None)}")
        return await async_send(self, request, **kwargs)

    def guarded_connect(self, host="localhost", port=0, source_address=None):
        check_no_transaction(f"SMTP connection to {host}:{port}")
        return smtp_connect(self, host, port, source_address)

    monkeypatch.setattr(httpx.Client, "send", guarded_send)
    monkeypatch.setattr(httpx.AsyncClient, "send", guarded_async_send)
    monkeypatch.setattr(smtplib.SMTP, "connect", guarded_connect)
