"""Staff read the outbox in the Django admin: status, errors, a rendered preview, re-queue."""

import html

import pytest
from django.core import mail
from django.utils import timezone

from astn.notifications.models import EmailStatus
from tests.factories.accounts import UserFactory
from tests.factories.notifications import NotificationFactory, OutboundEmailFactory

OUTBOX = "/admin/notifications/outboundemail/"


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_outbox_list_filters_by_status_and_searches(staff_client):
    OutboundEmailFactory(
        subject="Reminder: Reading night",
        status=EmailStatus.FAILED,
        attempts=6,
        last_error="SMTPSenderRefused: 451",
    )
    OutboundEmailFactory(subject="Weekly digest", status=EmailStatus.SENT, sent_at=timezone.now())

    failed = staff_client.get(OUTBOX, {"status__exact": "failed"}).content.decode()
    assert "Reminder: Reading night" in failed
    assert "Weekly digest" not in failed

    found = staff_client.get(OUTBOX, {"q": "digest"}).content.decode()
    assert "Weekly digest" in found
    assert "Reminder: Reading night" not in found


def test_a_row_shows_its_error_and_a_rendered_preview(staff_client):
    email = OutboundEmailFactory(
        subject="Welcome",
        context={"heading": "Welcome <b>aboard</b>", "paragraphs": ["Hello there."]},
        last_error="SMTPSenderRefused: (451, b'4.3.0 Try again later')",
    )
    response = staff_client.get(f"{OUTBOX}{email.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Try again later" in page
    assert '<iframe title="Email preview" sandbox="" srcdoc="' in page
    srcdoc = page.split('srcdoc="', 1)[1].split('"', 1)[0]
    # The email's own escaping survives one more level of escaping for the attribute.
    assert "Welcome &lt;b&gt;aboard&lt;/b&gt;" in html.unescape(srcdoc)
    assert "<b>aboard" not in srcdoc
    assert "Hello there." in page  # the text part


def test_a_row_whose_template_is_gone_still_opens(staff_client):
    email = OutboundEmailFactory(template="notifications/email/removed-long-ago")
    response = staff_client.get(f"{OUTBOX}{email.pk}/change/")
    assert response.status_code == 200
    assert "Cannot render" in response.content.decode()


def test_the_requeue_action_sends_failed_rows_again(staff_client):
    failed = OutboundEmailFactory(status=EmailStatus.FAILED, attempts=6)
    sent = OutboundEmailFactory(status=EmailStatus.SENT, sent_at=timezone.now())
    response = staff_client.post(
        OUTBOX,
        {"action": "requeue_failed", "_selected_action": [failed.pk, sent.pk]},
        follow=True,
    )
    assert "Re-queued 1 email. 1 not failed, left as they were." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status in (EmailStatus.QUEUED, EmailStatus.SENT)


def test_outbox_rows_cannot_be_added_edited_or_deleted_in_the_admin(staff_client):
    email = OutboundEmailFactory()
    assert staff_client.get(f"{OUTBOX}add/").status_code == 403
    assert staff_client.get(f"{OUTBOX}{email.pk}/delete/").status_code == 403
    assert 'name="_save"' not in staff_client.get(f"{OUTBOX}{email.pk}/change/").content.decode()
    assert mail.outbox == []


def test_notifications_are_listed_for_staff(staff_client):
    NotificationFactory(title="New: Reading night")
    response = staff_client.get("/admin/notifications/notification/", {"read_at__isnull": "True"})
    assert response.status_code == 200
    assert "New: Reading night" in response.content.decode()
