"""`email_enqueue_many`: the one-statement-per-500 enqueue the reminder job uses."""

import pytest
from django.core import mail

from astn.notifications import services
from astn.notifications.models import OutboundEmail
from tests.factories.accounts import UserFactory


def email(key, to="reader@example.org", **extra):
    return {
        "key": key,
        "to": to,
        "subject": f"Hello {key}",
        "template": "notifications/email/message",
        "context": {"paragraphs": ["Hi."]},
        **extra,
    }


@pytest.mark.django_db
def test_only_new_keys_are_inserted_and_returned(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.email_enqueue(**email("old"))
        inserted = services.email_enqueue_many([email("old"), email("a"), email("a"), email("b")])
    assert [row.key for row in inserted] == ["a", "b"]
    assert all(row.pk for row in inserted)
    assert OutboundEmail.objects.count() == 3
    assert sorted(m.subject for m in mail.outbox) == ["Hello a", "Hello b", "Hello old"]


@pytest.mark.django_db
def test_categories_get_unsubscribe_headers_like_single_emails():
    user = UserFactory()
    [row] = services.email_enqueue_many(
        [email("r:1", to=user.email, user=user, category="reminders")]
    )
    assert row.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert row.context["unsubscribe_url"].startswith("http")


@pytest.mark.django_db
def test_one_bad_address_writes_nothing():
    with pytest.raises(services.EmailEnqueueError):
        services.email_enqueue_many([email("ok"), email("bad", to="not-an-address")])
    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_a_job_can_skip_an_unusable_item_and_queue_the_rest():
    inserted = services.email_enqueue_many(
        [email("ok"), email("bad", to="not-an-address"), email("", to="x@example.org")],
        skip_unusable=True,
    )
    assert [row.key for row in inserted] == ["ok"]
    assert list(OutboundEmail.objects.values_list("key", flat=True)) == ["ok"]


@pytest.mark.django_db
def test_more_than_one_chunk(monkeypatch):
    from astn.notifications.services import outbox

    monkeypatch.setattr(outbox, "INSERT_CHUNK", 3)
    inserted = services.email_enqueue_many([email(f"k:{n}") for n in range(8)])
    assert len(inserted) == 8
    assert OutboundEmail.objects.count() == 8
