import pytest

from astn.notifications.models import Notification, OutboundEmail
from attendance.models import Attendance
from attendance.services import event_cancelled_notify, rsvp_set
from events.models import Event
from events.signals import event_cancelled
from tests.factories.orgs import ContactMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rsvped(full_house, member, make_member):
    """Going, waitlisted, maybe and not-going people at the one-seat event."""
    people = {
        "going": member,
        "waitlisted": make_member("Wanda Waiting"),
        "maybe": make_member("Max Maybe"),
        "not_going": make_member("Nora No"),
    }
    for answer, user in people.items():
        rsvp_set(event=full_house, user=user, rsvp="going" if answer == "waitlisted" else answer)
    contact = ContactMembershipFactory(org=full_house.org)
    Attendance.objects.create(event=full_house, membership=contact, rsvp="going")
    Event.objects.filter(pk=full_house.pk).update(status=Event.Status.CANCELLED)
    return people


def test_everyone_who_might_have_come_is_told(
    full_house, rsvped, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event_cancelled.send(
            sender=Event, event=full_house, acting_user=None, reason="The venue flooded."
        )

    told = {n.user for n in Notification.objects.filter(kind="event.cancelled")}
    assert told == {rsvped["going"], rsvped["waitlisted"], rsvped["maybe"]}
    notification = Notification.objects.get(user=rsvped["going"])
    assert notification.title == "Cancelled: Tiny workshop"
    assert notification.body == "The venue flooded."
    keys = set(OutboundEmail.objects.values_list("key", flat=True))
    assert keys == {
        f"event-cancelled:{full_house.pk}:{a.pk}"
        for a in Attendance.objects.filter(membership__user__in=told)
    }
    assert {m.to[0] for m in mailoutbox} == {u.email for u in told}
    assert "The venue flooded." in mailoutbox[0].body


def test_telling_twice_tells_nobody_twice(
    full_house, rsvped, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            event_cancelled_notify(event_id=full_house.pk, reason="")

    assert Notification.objects.filter(kind="event.cancelled").count() == 3
    assert OutboundEmail.objects.count() == 3
    assert len(mailoutbox) == 3


def test_the_email_shows_the_time_in_the_members_zone(full_house, rsvped, mailoutbox):
    profile = rsvped["going"].profile
    profile.timezone = "America/New_York"
    profile.save(update_fields=["timezone"])

    event_cancelled_notify(event_id=full_house.pk)

    email = OutboundEmail.objects.get(user=rsvped["going"])
    assert email.context["when"].endswith("(New York time)")


def test_the_count_is_of_people_told_now(full_house, rsvped):
    assert event_cancelled_notify(event_id=full_house.pk) == 3
    assert event_cancelled_notify(event_id=full_house.pk) == 0
