"""The outbox gives up on a message that kills its sender, forgets people, logs no addresses."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from astn.accounts.services import account_delete
from astn.notifications import services
from astn.notifications.models import EmailStatus, OutboundEmail
from astn.notifications.services.retention import ERASED_ADDRESS
from tests.factories.accounts import UserFactory
from tests.factories.notifications import OutboundEmailFactory

pytestmark = pytest.mark.django_db


def test_a_message_whose_attempts_are_spent_is_failed_at_claim_time_not_sent_again(settings):
    # Its sender died mid-send every time (the lease ran out, the attempt was counted).
    settings.ASTN_OUTBOX_MAX_ATTEMPTS = 3
    past = timezone.now() - timedelta(minutes=1)
    killer = OutboundEmailFactory(attempts=3, next_attempt_at=past)
    others = OutboundEmailFactory.create_batch(3, next_attempt_at=past)

    report = services.outbox_send_due()

    killer.refresh_from_db()
    assert killer.status == EmailStatus.FAILED
    assert killer.attempts == 3
    assert "Gave up after 3 attempts" in killer.last_error
    assert report.sent == 3  # the rest of its batch goes out
    assert killer.to not in [to for message in mail.outbox for to in message.to]
    assert all(
        o.status == EmailStatus.SENT
        for o in OutboundEmail.objects.filter(pk__in=[o.pk for o in others])
    )


def test_a_batch_of_only_spent_messages_does_not_stop_the_sender(settings):
    settings.ASTN_OUTBOX_MAX_ATTEMPTS = 2
    past = timezone.now() - timedelta(minutes=5)
    OutboundEmailFactory.create_batch(30, attempts=2, next_attempt_at=past)
    fresh = OutboundEmailFactory(next_attempt_at=timezone.now() - timedelta(minutes=1))
    report = services.outbox_send_due()
    assert report.sent == 1
    fresh.refresh_from_db()
    assert fresh.status == EmailStatus.SENT
    assert OutboundEmail.objects.filter(status=EmailStatus.FAILED).count() == 30


def test_deleting_an_account_cancels_and_erases_its_outbox_rows():
    user = UserFactory(email="rosa@example.org")
    queued = OutboundEmailFactory(
        to=user.email,
        user=user,
        context={"heading": "Hi Rosa", "paragraphs": ["Your seat is saved."]},
        headers={"List-Unsubscribe": "<https://astn.example/u/secret-token/>"},
        next_attempt_at=timezone.now() + timedelta(hours=1),
    )
    sent = OutboundEmailFactory(
        to="Rosa@Example.org", status=EmailStatus.SENT, sent_at=timezone.now()
    )
    someone_else = OutboundEmailFactory(to="ben@example.org")

    account_delete(user=user)

    queued.refresh_from_db()
    sent.refresh_from_db()
    someone_else.refresh_from_db()
    assert queued.status == EmailStatus.CANCELLED
    assert sent.status == EmailStatus.SENT
    for row in (queued, sent):
        assert row.to == ERASED_ADDRESS
        assert row.context == {}
        assert row.headers == {}
        assert "Rosa" not in row.subject
        assert row.user is None
    assert someone_else.to == "ben@example.org"
    assert someone_else.context != {}


def test_the_retention_job_purges_old_sent_and_cancelled_rows_only(settings):
    settings.ASTN_OUTBOX_RETENTION_DAYS = 30
    now = timezone.now()
    old = now - timedelta(days=31)
    old_sent = OutboundEmailFactory(status=EmailStatus.SENT, sent_at=old, created_at=old)
    old_cancelled = OutboundEmailFactory(status=EmailStatus.CANCELLED, created_at=old)
    old_failed = OutboundEmailFactory(status=EmailStatus.FAILED, created_at=old)
    recent_sent = OutboundEmailFactory(status=EmailStatus.SENT, sent_at=now - timedelta(days=29))
    queued = OutboundEmailFactory(created_at=old)

    from astn.notifications.tasks import outbox_retention_task

    assert outbox_retention_task() == 2
    left = set(OutboundEmail.objects.values_list("pk", flat=True))
    assert old_sent.pk not in left
    assert old_cancelled.pk not in left
    assert {old_failed.pk, recent_sent.pk, queued.pk} <= left


def test_no_email_address_reaches_the_logs(caplog, settings):
    settings.ASTN_OUTBOX_MAX_ATTEMPTS = 1
    caplog.set_level(logging.DEBUG, logger="astn")
    services.email_enqueue_many(
        [
            {
                "key": "bad:1",
                "to": "not-an-address@",
                "subject": "Hello",
                "template": "notifications/email/message",
                "context": {"heading": "Hello", "paragraphs": []},
            }
        ],
        skip_unusable=True,
    )
    OutboundEmailFactory(to="spent@example.org", attempts=1, next_attempt_at=timezone.now())
    services.outbox_send_due()
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "outbox" in logged  # the skip and the failure were logged ...
    assert "@" not in logged  # ... without an address
