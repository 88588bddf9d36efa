"""Organisers message a segment of an event's people: counted first, one email each, recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from astn.notifications.models import Notification, OutboundEmail
from astn.notifications.services import outbox_flush
from attendance.errors import EventMessageError
from attendance.models import EventMessage
from attendance.selectors.messages import segment_counts
from attendance.services.messages import event_message_send
from tests.factories.attendance import AttendanceFactory
from tests.factories.events import PastEventFactory
from tests.factories.members import make_member


@pytest.fixture
def past(org):
    return PastEventFactory(org=org, title="Salon")


def came(event, attended=True, rsvp="going", **member):
    return AttendanceFactory(
        event=event,
        membership=make_member(event.org, **member),
        rsvp=rsvp,
        attended=attended,
        attended_source="admin" if attended is not None else "",
    )


@pytest.mark.django_db
def test_attended_people_get_one_email_each_and_the_message_is_recorded(past, admin):
    one, two = came(past), came(past, muted=True)
    came(past, attended=False)
    left = came(past)
    left.membership.status = "left"
    left.membership.save(update_fields=["status"])

    assert segment_counts(event=past)["attended"] == 1  # muted and left are not counted
    one_more = came(past, mode="none")
    message = event_message_send(
        event=past,
        sender=admin,
        segment="attended",
        subject="Thanks for coming & see you <soon>",
        body="Slides: [here](https://example.org/s?a=1&b=2)\n\n**Q&A** notes <img src=x>",
        now=timezone.now(),
    )
    assert message.recipient_count == 2
    outbox_flush()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        a.membership.user.email for a in (one, one_more)
    )
    assert two.membership.user.email not in [m.to[0] for m in mail.outbox]
    email = mail.outbox[0]
    assert email.subject == "Thanks for coming & see you <soon>"
    assert "**Q&A** notes" not in email.body
    assert "Q&A notes" in email.body
    assert "here (https://example.org/s?a=1&b=2)" in email.body
    html = email.alternatives[0][0]
    assert '<a href="https://example.org/s?a=1&amp;b=2"' in html
    assert "<strong>Q&amp;A</strong>" in html
    assert "src=x" not in html  # raw HTML in the markdown is dropped, not shown or run
    assert email.extra_headers["Reply-To"] == admin.email
    assert Notification.objects.filter(kind="event.message").count() == 2
    keys = set(OutboundEmail.objects.values_list("key", flat=True))
    assert keys == {f"event-message:{message.pk}:{a.pk}" for a in (one, one_more)}


@pytest.mark.django_db
def test_going_is_transactional_so_muted_people_get_it(org, admin):
    from tests.factories.events import EventFactory

    event = EventFactory(org=org)
    muted = came(event, attended=None, muted=True, mode="none")
    message = event_message_send(
        event=event,
        sender=admin,
        segment="going",
        subject="Door code",
        body="It is 1234.",
        now=timezone.now(),
    )
    assert message.recipient_count == 1
    assert OutboundEmail.objects.get().to == muted.membership.user.email
    assert OutboundEmail.objects.get().category == ""  # not stopped by email settings
    with pytest.raises(EventMessageError, match="Choose who"):
        event_message_send(
            event=event,
            sender=admin,
            segment="attended",  # not before the event
            subject="x",
            body="y",
            now=timezone.now(),
        )


@pytest.mark.django_db
def test_an_org_is_limited_per_hour(past, admin, settings):
    settings.ASTN_EVENT_MESSAGES_PER_HOUR = 2
    came(past)
    now = timezone.now()
    for n in range(2):
        event_message_send(
            event=past, sender=admin, segment="attended", subject=f"#{n}", body="b", now=now
        )
    with pytest.raises(EventMessageError, match="most allowed"):
        event_message_send(
            event=past, sender=admin, segment="attended", subject="#3", body="b", now=now
        )
    later = now + timedelta(hours=1, minutes=1)
    event_message_send(
        event=past, sender=admin, segment="attended", subject="#3", body="b", now=later
    )
    assert EventMessage.objects.count() == 3


@pytest.mark.django_db
def test_nobody_in_the_segment_is_an_error_not_an_empty_send(past, admin):
    with pytest.raises(EventMessageError, match="Nobody"):
        event_message_send(
            event=past, sender=admin, segment="no_shows", subject="s", body="b", now=timezone.now()
        )
    assert not EventMessage.objects.exists()


@pytest.mark.django_db
def test_the_page_previews_with_the_count_then_sends(client_as_admin, org, past, admin):
    came(past)
    came(past)
    url = reverse("attendance:event-messages", kwargs={"slug": org.slug, "event_id": past.pk})
    page = client_as_admin.get(url)
    assert "Attended (2)" in page.content.decode()
    data = {"segment": "attended", "subject": "Thanks!", "body": "Great *evening*."}
    preview = client_as_admin.post(url, {**data, "preview": "1"})
    text = preview.content.decode()
    assert "<em>evening</em>" in text
    assert "Send to 2 people" in text
    assert not EventMessage.objects.exists()
    sent = client_as_admin.post(url, {**data, "send": "1"}, follow=True)
    text = sent.content.decode()
    assert "Sent “Thanks!” to 2 people." in text
    assert "Sent to 2 people (attended) by" in text
    bad = client_as_admin.post(url, {"segment": "attended", "subject": "", "body": "", "send": "1"})
    assert bad.status_code == 400
    assert "Give the message a subject." in bad.content.decode()
