"""The suite-wide guard of the I/O rule (tests/io_guard.py) catches what it should."""

import smtplib

import httpx
import pytest
from django.db import transaction

from tests.io_guard import OutsideIOInTransaction, transaction_open


def _get(url: str) -> int:
    with httpx.Client() as client:
        return client.get(url).status_code


@pytest.mark.django_db
def test_http_inside_a_transaction_fails_in_an_ordinary_test(ics_server):
    url = ics_server.serve("/a.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert transaction_open() == []  # pytest-django's own atomic does not count
    assert _get(url) == 200
    with transaction.atomic(), pytest.raises(OutsideIOInTransaction, match="HTTP GET"):
        _get(url)
    assert ics_server.requests == [ics_server.requests[0]]  # the second never left


@pytest.mark.django_db(transaction=True)
def test_http_inside_a_transaction_fails_in_a_transactional_test(ics_server):
    url = ics_server.serve("/a.ics", "x")
    assert _get(url) == 200
    with transaction.atomic(), transaction.atomic(), pytest.raises(OutsideIOInTransaction):
        _get(url)


@pytest.mark.django_db
def test_smtp_inside_a_transaction_fails():
    with transaction.atomic(), pytest.raises(OutsideIOInTransaction, match="SMTP"):
        smtplib.SMTP("127.0.0.1", 9, timeout=1)
