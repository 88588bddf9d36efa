"""A committed admin action never 500s when the broker is down; the follow-up runs later."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery import current_app
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from astn.core.models import PendingTask
from astn.core.services import pending_tasks_send
from astn.notifications.models import Notification
from attendance.models import Attendance
from attendance.services import rsvp_set
from events.models import Event
from events.services import event_update
from tests.broker import broker_unreachable

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def waiting(full_house, member, make_member):
    """`member` holds the one seat; Wanda waits."""
    rsvp_set(event=full_house, user=member, rsvp="going")
    wanda = make_member("Wanda Waiting")
    rsvp_set(event=full_house, user=wanda, rsvp="going")
    return wanda


def _sweep_after_the_broker_is_back() -> int:
    current_app.conf.task_always_eager = True
    return pending_tasks_send(now=timezone.now() + timedelta(minutes=2))


def test_cancelling_with_the_broker_down_succeeds_and_people_are_told_later(
    full_house, waiting, member, admin
):
    client = Client()
    client.force_login(admin)
    url = reverse(
        "events:admin-cancel", kwargs={"slug": full_house.org.slug, "event_id": full_house.pk}
    )
    with broker_unreachable():
        response = client.post(url, {"message": "The venue flooded."})
        assert response.status_code == 302
        assert Event.objects.get(pk=full_house.pk).status == Event.Status.CANCELLED
        assert not Notification.objects.filter(kind="event.cancelled").exists()
        assert PendingTask.objects.filter(key=f"event_cancelled_notify:{full_house.pk}").exists()

        assert _sweep_after_the_broker_is_back() == 1
    told = set(Notification.objects.filter(kind="event.cancelled").values_list("user", flat=True))
    assert told == {member.pk, waiting.pk}
    assert not PendingTask.objects.exists()


def test_raising_the_capacity_with_the_broker_down_promotes_the_waitlist_later(
    full_house, waiting, admin
):
    with broker_unreachable():
        event_update(event=full_house, acting_user=admin, capacity=2)  # no exception
        wanda = Attendance.objects.get(event=full_house, membership__user=waiting)
        assert wanda.rsvp == "waitlisted"
        assert _sweep_after_the_broker_is_back() == 1
    wanda.refresh_from_db()
    assert wanda.rsvp == "going"
    assert wanda.waitlisted_at is None
