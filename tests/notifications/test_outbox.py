"""The outbox against a real SMTP conversation (a fake server on 127.0.0.1) and the real DB."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.template import TemplateDoesNotExist
from django.utils import timezone

from astn.accounts.models import NotificationSettings
from astn.notifications import services
from astn.notifications.models import EmailStatus, OutboundEmail
from astn.notifications.services.outbox import BATCH_SIZE, LEASE, retry_delay
from astn.notifications.tasks import outbox_sweep_task
from tests.concurrency import errors_in, race
from tests.factories.accounts import UserFactory
from tests.factories.notifications import OutboundEmailFactory


def enqueue(key="welcome:1", to="rosa@example.org", **extra):
    values = {
        "key": key,
        "to": to,
        "subject": "Welcome to Hub",
        "template": "notifications/email/message",
        "context": {"heading": "Welcome", "paragraphs": ["Glad you're here."]},
    }
    return services.email_enqueue(**{**values, **extra})


# --- Enqueueing -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_enqueueing_the_same_key_twice_makes_one_row_and_sends_one_email(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue()
    with django_capture_on_commit_callbacks(execute=True):
        second = enqueue(subject="A different subject")

    assert first is not None
    assert second is None
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Welcome to Hub"
    first.refresh_from_db()
    assert first.status == EmailStatus.SENT
    assert first.attempts == 1
    assert first.sent_at is not None


@pytest.mark.django_db
def test_nothing_is_sent_before_commit_and_one_sender_starts_per_transaction(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        for n in range(5):
            enqueue(key=f"welcome:{n}")
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 5


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_queues_and_sends_nothing():
    def job():
        with transaction.atomic():
            enqueue()
            raise RuntimeError("the job failed half-way")

    with pytest.raises(RuntimeError):
        job()
    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_does_not_lose_the_send_of_an_outer_email():
    def inner():
        with transaction.atomic():
            enqueue(key="inner")
            raise RuntimeError

    with transaction.atomic():
        with pytest.raises(RuntimeError):
            inner()
        enqueue(key="outer")
    assert [m.subject for m in mail.outbox] == ["Welcome to Hub"]
    assert OutboundEmail.objects.get().key == "outer"


@pytest.mark.django_db(transaction=True)
def test_two_threads_enqueueing_the_same_key_at_once_send_one_email():
    results = race(lambda: enqueue(key="race:1"), lambda: enqueue(key="race:1"))

    assert errors_in(results) == []
    assert sorted(r is None for r in results) == [False, True]
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_unusable_address_key_or_category_is_refused_at_enqueue():
    with pytest.raises(services.EmailEnqueueError, match="not an email address"):
        enqueue(to="not-an-address")
    with pytest.raises(services.EmailEnqueueError, match="key"):
        enqueue(key="")
    with pytest.raises(services.EmailEnqueueError, match="category"):
        enqueue(category="newsletters", user=UserFactory())
    with pytest.raises(services.EmailEnqueueError, match="recipient user"):
        enqueue(category="reminders")
    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_template_fails_at_enqueue_not_at_send():
    with pytest.raises(TemplateDoesNotExist):
        enqueue(template="notifications/email/no-such-template")
    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_a_newline_in_the_subject_cannot_inject_a_header(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(subject="Hello\r\nBcc: everyone@example.org")
    assert mail.outbox[0].subject == "Hello Bcc: everyone@example.org"
    assert mail.outbox[0].bcc == []


@pytest.mark.django_db
def test_send_at_keeps_the_email_in_the_table_until_it_is_due(
    django_capture_on_commit_callbacks,
):
    later = timezone.now() + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(send_at=later)
    assert mail.outbox == []
    assert services.outbox_send_due().total == 0
    assert services.outbox_send_due(now=later).sent == 1
    assert len(mail.outbox) == 1


# --- What is sent ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_email_has_a_text_and_an_html_part_rendered_from_its_context(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(
            context={
                "heading": "Welcome to Hub",
                "paragraphs": ["Glad you're here <3"],
                "org_name": "Lisbon Readers",
                "action_url": "http://127.0.0.1:8000/orgs/lisbon/",
                "action_label": "See the org",
            }
        )
    message = mail.outbox[0]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Glad you&#x27;re here &lt;3" in html  # escaped in HTML ...
    assert "Glad you're here <3" in message.body  # ... not in text
    assert "Lisbon Readers" in html
    assert 'href="http://127.0.0.1:8000/orgs/lisbon/"' in html
    assert "See the org: http://127.0.0.1:8000/orgs/lisbon/" in message.body
    assert "Unsubscribe" not in message.body  # transactional: no unsubscribe link
    assert "List-Unsubscribe" not in message.extra_headers


@pytest.mark.django_db
def test_a_non_transactional_email_carries_rfc_8058_headers_and_a_footer_link(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(to=user.email, user=user, category="reminders")
    message = mail.outbox[0]
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http://")
    assert header.endswith("/>")
    assert "/u/" in header
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.strip("<>")
    assert f"Unsubscribe: {url}" in message.body
    assert url in message.alternatives[0][0]
    assert "you RSVPed to this event and have reminders switched on" in message.body


@pytest.mark.django_db
def test_an_ics_attachment_travels_with_the_email(django_capture_on_commit_callbacks):
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(
            attachments=[{"filename": "event.ics", "content": ics, "mimetype": "text/calendar"}]
        )
    filename, content, mimetype = mail.outbox[0].attachments[0]
    assert (filename, mimetype) == ("event.ics", "text/calendar")
    assert "BEGIN:VCALENDAR" in content


@pytest.mark.django_db
def test_an_email_queued_before_the_member_unsubscribed_is_cancelled_not_sent():
    user = UserFactory()
    enqueue(to=user.email, user=user, category="prompts")
    services.unsubscribe_apply(user=user, category="prompts")

    report = services.outbox_send_due()

    assert report.cancelled == 1
    assert mail.outbox == []
    assert OutboundEmail.objects.get().status == EmailStatus.CANCELLED


# --- Retries against a real SMTP conversation ----------------------------------------------


@pytest.mark.django_db
def test_a_transient_451_is_retried_with_backoff_and_the_email_is_sent_once(smtp_server):
    smtp_server.mailbox.behaviour.fail_first = 2
    email = OutboundEmailFactory()
    start = timezone.now()

    assert services.outbox_send_due(now=start).retrying == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED
    assert "451" in email.last_error
    assert timedelta(seconds=120) <= email.next_attempt_at - start <= timedelta(seconds=133)
    assert services.outbox_send_due(now=start).total == 0  # not due yet

    assert services.outbox_send_due(now=email.next_attempt_at).retrying == 1
    email.refresh_from_db()
    assert services.outbox_send_due(now=email.next_attempt_at).sent == 1

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 3
    assert email.last_error == ""
    assert len(smtp_server.mailbox.messages) == 1
    assert smtp_server.mailbox.messages[0]["Subject"] == email.subject


@pytest.mark.django_db
def test_a_server_that_keeps_refusing_fails_the_email_visibly_after_max_attempts(
    smtp_server, settings
):
    settings.ASTN_OUTBOX_MAX_ATTEMPTS = 3
    smtp_server.mailbox.behaviour.fail_always = True
    email = OutboundEmailFactory()
    at = timezone.now()
    for _ in range(5):
        services.outbox_send_due(now=at)
        email.refresh_from_db()
        at = email.next_attempt_at

    assert email.status == EmailStatus.FAILED
    assert email.attempts == 3
    assert "SMTPSenderRefused" in email.last_error
    assert "451" in email.last_error
    assert smtp_server.mailbox.messages == []
    assert smtp_server.mailbox.transactions == 3


@pytest.mark.django_db
def test_a_permanent_550_fails_at_once(smtp_server):
    smtp_server.mailbox.behaviour.fail_always = True
    smtp_server.mailbox.behaviour.fail_code = 550
    email = OutboundEmailFactory()

    assert services.outbox_send_due().failed == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 1)
    assert "550" in email.last_error


@pytest.mark.django_db
def test_a_refused_connection_is_transient(settings):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    email = OutboundEmailFactory()

    assert services.outbox_send_due().retrying == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED
    assert "ConnectionRefusedError" in email.last_error


@pytest.mark.django_db
def test_one_failing_email_does_not_stop_the_others(smtp_server):
    smtp_server.mailbox.behaviour.fail_first = 1
    emails = OutboundEmailFactory.create_batch(3)

    report = services.outbox_send_due()

    assert (report.retrying, report.sent) == (1, 2)
    assert len(smtp_server.mailbox.messages) == 2
    assert sorted(
        e.status for e in OutboundEmail.objects.filter(pk__in=[e.pk for e in emails])
    ) == [
        "queued",
        "sent",
        "sent",
    ]


def test_the_backoff_doubles_and_is_capped(settings):
    settings.ASTN_OUTBOX_RETRY_BASE_SECONDS = 60
    assert timedelta(seconds=60) <= retry_delay(1) <= timedelta(seconds=66)
    assert timedelta(seconds=240) <= retry_delay(3) <= timedelta(seconds=264)
    assert retry_delay(20) <= timedelta(seconds=3960)


# --- Concurrency ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_email_exactly_once(smtp_server):
    smtp_server.mailbox.behaviour.delay = 0.01  # so the two senders overlap
    emails = OutboundEmailFactory.create_batch(2 * BATCH_SIZE + 10)
    reports = race(services.outbox_send_due, services.outbox_send_due)

    assert errors_in(reports) == []
    subjects = [message["Subject"] for message in smtp_server.mailbox.messages]
    assert len(subjects) == len(emails)
    assert sorted(subjects) == sorted(e.subject for e in emails)
    assert sum(r.sent for r in reports) == len(emails)
    assert all(r.sent > 0 for r in reports), "both senders should have done some of the work"
    assert set(OutboundEmail.objects.values_list("status", "attempts")) == {("sent", 1)}


# --- The sweeper and run_job ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweeper_sends_rows_whose_sender_died_and_leaves_future_ones():
    now = timezone.now()
    stuck = OutboundEmailFactory(attempts=1, next_attempt_at=now - LEASE)  # lease ran out
    never_sent = OutboundEmailFactory(next_attempt_at=now - timedelta(hours=2))  # task lost
    future = OutboundEmailFactory(next_attempt_at=now + timedelta(hours=1))

    assert outbox_sweep_task.delay().get() == 2

    assert {m.subject for m in mail.outbox} == {stuck.subject, never_sent.subject}
    future.refresh_from_db()
    assert future.status == EmailStatus.QUEUED


@pytest.mark.django_db
def test_the_sweeper_is_a_scheduled_job():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="outbox_sweep")
    assert task.task == "astn.notifications.tasks.outbox_sweep_task"
    assert task.interval.every == 5


@pytest.mark.django_db
def test_run_job_sends_what_is_queued_before_it_returns(capsys):
    OutboundEmailFactory.create_batch(2)
    call_command("run_job", "heartbeat")
    assert len(mail.outbox) == 2
    assert "outbox: 2 sent" in capsys.readouterr().out


@pytest.mark.django_db
def test_requeueing_a_failed_email_gives_it_fresh_attempts(django_capture_on_commit_callbacks):
    failed = OutboundEmailFactory(status=EmailStatus.FAILED, attempts=6, last_error="451 later")
    sent = OutboundEmailFactory(status=EmailStatus.SENT, sent_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        count = services.outbox_requeue(email_ids=[failed.pk, sent.pk])

    assert count == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (EmailStatus.SENT, 1)
    assert len(mail.outbox) == 1  # the sent one was not sent again


@pytest.mark.django_db
def test_unsubscribe_settings_exist_for_every_user():
    # The sender relies on the accounts signal that gives every user settings rows.
    assert NotificationSettings.objects.filter(user=UserFactory()).exists()


@pytest.mark.django_db(transaction=True)
def test_the_sender_leaves_the_connection_as_it_found_it():
    OutboundEmailFactory()
    services.outbox_send_due()
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


@pytest.mark.django_db
def test_an_enqueued_row_comes_back_with_its_id_and_stored_values():
    user = UserFactory()
    email = enqueue(to=user.email, user=user, category="digest", send_at=timezone.now())
    stored = OutboundEmail.objects.get(pk=email.pk)
    assert stored.user == user
    assert stored.category == "digest"
    assert stored.context["paragraphs"] == ["Glad you're here."]
    assert stored.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert stored.attempts == 0
