import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from astn.notifications.models import Notification, OutboundEmail
from attendance.errors import NotAMember, RsvpClosed, RsvpError
from attendance.models import Attendance, AttendanceChange
from attendance.selectors import going_count, waitlist_position
from attendance.services import rsvp_join_and_set, rsvp_set, waitlist_promote
from events.models import Event
from orgs.models import Membership
from tests.factories.attendance import AttendanceFactory, RsvpEventFactory
from tests.factories.orgs import MembershipFactory

pytestmark = pytest.mark.django_db

GOING, MAYBE, NOT_GOING, WAITLISTED = "going", "maybe", "not_going", "waitlisted"


def test_member_rsvps_going_and_the_change_is_recorded(event, member):
    attendance = rsvp_set(event=event, user=member, rsvp=GOING)

    assert attendance.rsvp == GOING
    assert attendance.rsvp_source == "self"
    assert attendance.rsvp_at is not None
    (change,) = AttendanceChange.objects.filter(attendance=attendance)
    assert (change.field, change.old, change.new, change.source) == ("rsvp", "none", GOING, "self")
    assert change.actor == member


def test_the_same_answer_twice_is_recorded_once(event, member):
    rsvp_set(event=event, user=member, rsvp=MAYBE)
    rsvp_set(event=event, user=member, rsvp=MAYBE)

    assert AttendanceChange.objects.count() == 1


def test_changing_the_answer_records_old_and_new(event, member):
    rsvp_set(event=event, user=member, rsvp=GOING)
    rsvp_set(event=event, user=member, rsvp=NOT_GOING)

    changes = list(AttendanceChange.objects.values_list("old", "new"))
    assert changes == [("none", GOING), (GOING, NOT_GOING)]


def test_an_admin_answering_for_a_member_is_the_actor(event, member, admin):
    attendance = rsvp_set(event=event, user=member, rsvp=GOING, source="admin", actor=admin)

    change = attendance.changes.get()
    assert (change.source, change.actor) == ("admin", admin)


def test_going_to_a_full_event_joins_the_waitlist(full_house, member, make_member):
    rsvp_set(event=full_house, user=member, rsvp=GOING)
    second = rsvp_set(event=full_house, user=make_member(), rsvp=GOING)

    assert second.rsvp == WAITLISTED
    assert second.waitlisted_at is not None
    assert waitlist_position(second) == 1
    assert going_count(full_house) == 1


def test_a_freed_seat_goes_to_the_first_in_line(full_house, member, make_member):
    bea, cem = make_member("Bea"), make_member("Cem")
    rsvp_set(event=full_house, user=member, rsvp=GOING)
    rsvp_set(event=full_house, user=bea, rsvp=GOING)
    rsvp_set(event=full_house, user=cem, rsvp=GOING)

    rsvp_set(event=full_house, user=member, rsvp=NOT_GOING)

    states = dict(
        Attendance.objects.filter(event=full_house).values_list("membership__user__name", "rsvp")
    )
    assert states == {"Mo Member": NOT_GOING, "Bea": GOING, "Cem": WAITLISTED}
    bea_attendance = Attendance.objects.get(membership__user=bea)
    promotion = bea_attendance.changes.last()
    assert (promotion.old, promotion.new, promotion.source, promotion.actor) == (
        WAITLISTED,
        GOING,
        "waitlist",
        None,
    )
    assert waitlist_position(Attendance.objects.get(membership__user=cem)) == 1


def test_the_promoted_member_is_told_in_app_and_by_email(
    full_house, member, make_member, django_capture_on_commit_callbacks, mailoutbox
):
    bea = make_member("Bea")
    rsvp_set(event=full_house, user=member, rsvp=GOING)
    rsvp_set(event=full_house, user=bea, rsvp=GOING)

    with django_capture_on_commit_callbacks(execute=True):
        rsvp_set(event=full_house, user=member, rsvp=MAYBE)

    notification = Notification.objects.get(user=bea)
    assert notification.title == "You have a seat at Tiny workshop"
    assert notification.url == full_house.get_absolute_url()
    email = OutboundEmail.objects.get(user=bea)
    assert email.subject == "You have a seat at Tiny workshop"
    assert not Notification.objects.filter(user=member).exists()


def test_a_waitlisted_member_asking_for_going_again_keeps_their_place(
    full_house, member, make_member
):
    bea, cem = make_member("Bea"), make_member("Cem")
    rsvp_set(event=full_house, user=member, rsvp=GOING)
    first = rsvp_set(event=full_house, user=bea, rsvp=GOING)
    rsvp_set(event=full_house, user=cem, rsvp=GOING)

    again = rsvp_set(event=full_house, user=bea, rsvp=GOING)

    assert again.rsvp == WAITLISTED
    assert again.waitlisted_at == first.waitlisted_at
    assert waitlist_position(again) == 1


def test_leaving_the_waitlist_clears_the_place(full_house, member, make_member):
    bea = make_member("Bea")
    rsvp_set(event=full_house, user=member, rsvp=GOING)
    rsvp_set(event=full_house, user=bea, rsvp=GOING)

    left = rsvp_set(event=full_house, user=bea, rsvp=MAYBE)

    assert (left.rsvp, left.waitlisted_at) == (MAYBE, None)


def test_a_raised_capacity_promotes_as_many_as_fit(full_house, member, make_member):
    people = [make_member(f"P{n}") for n in range(3)]
    rsvp_set(event=full_house, user=member, rsvp=GOING)
    for person in people:
        rsvp_set(event=full_house, user=person, rsvp=GOING)
    Event.objects.filter(pk=full_house.pk).update(capacity=3)

    promoted = waitlist_promote(event=full_house)

    assert [a.membership.user for a in promoted] == people[:2]
    assert going_count(full_house) == 3


def test_the_capacity_changed_signal_promotes(
    full_house, member, make_member, django_capture_on_commit_callbacks
):
    from events.signals import event_changed

    bea = make_member("Bea")
    rsvp_set(event=full_house, user=member, rsvp=GOING)
    rsvp_set(event=full_house, user=bea, rsvp=GOING)
    Event.objects.filter(pk=full_house.pk).update(capacity=2)
    full_house.refresh_from_db()

    # The promotion is a task the receiver owes once its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        event_changed.send(
            sender=Event, event=full_house, fields=frozenset({"capacity"}), acting_user=None
        )

    assert Attendance.objects.get(membership__user=bea).rsvp == GOING


def test_no_free_seat_is_left_while_someone_waits(full_house, member, make_member):
    """A newcomer never jumps the queue, even if a seat freed without a promotion."""
    bea = make_member("Bea")
    rsvp_set(event=full_house, user=member, rsvp=GOING)
    rsvp_set(event=full_house, user=bea, rsvp=GOING)
    Event.objects.filter(pk=full_house.pk).update(capacity=2)

    newcomer = rsvp_set(event=full_house, user=make_member("New"), rsvp=GOING)

    assert Attendance.objects.get(membership__user=bea).rsvp == GOING
    assert newcomer.rsvp == WAITLISTED


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": Event.Status.DRAFT}, "not published yet"),
        ({"status": Event.Status.CANCELLED}, "cancelled"),
        ({"start": timezone.now() - datetime.timedelta(minutes=1)}, "already started"),
    ],
)
def test_rsvps_are_refused_for_drafts_cancelled_and_started_events(org, member, changes, message):
    event = RsvpEventFactory(org=org, **changes)

    with pytest.raises(RsvpClosed, match=message):
        rsvp_set(event=event, user=member, rsvp=GOING)

    assert not Attendance.objects.exists()
    assert not AttendanceChange.objects.exists()


def test_a_non_member_is_asked_to_join(event, outsider):
    with pytest.raises(NotAMember, match="Join Berlin Reading Circle"):
        rsvp_set(event=event, user=outsider, rsvp=GOING)

    assert not Attendance.objects.exists()


@pytest.mark.parametrize("status", [Membership.Status.LEFT, Membership.Status.CONTACT])
def test_people_who_left_and_contacts_are_not_members(event, status):
    membership = MembershipFactory(org=event.org, status=status)

    with pytest.raises(NotAMember):
        rsvp_set(event=event, user=membership.user, rsvp=GOING)


def test_only_member_answers_are_accepted(event, member):
    with pytest.raises(RsvpError, match="Choose going, maybe or not going"):
        rsvp_set(event=event, user=member, rsvp=WAITLISTED)


def test_join_and_rsvp_makes_a_member_and_records_the_rsvp(event, outsider):
    attendance = rsvp_join_and_set(event=event, user=outsider, rsvp=GOING)

    assert attendance.rsvp == GOING
    membership = Membership.objects.get(org=event.org, user=outsider)
    assert membership.status == Membership.Status.MEMBER


def test_join_and_rsvp_reactivates_someone_who_left(event):
    membership = MembershipFactory(org=event.org, status=Membership.Status.LEFT)

    rsvp_join_and_set(event=event, user=membership.user, rsvp=MAYBE)

    membership.refresh_from_db()
    assert membership.status == Membership.Status.MEMBER


def test_join_and_rsvp_for_a_member_just_rsvps(event, member):
    attendance = rsvp_join_and_set(event=event, user=member, rsvp=MAYBE)

    assert attendance.rsvp == MAYBE


def test_join_and_rsvp_to_a_cancelled_event_joins_nobody(org, outsider):
    event = RsvpEventFactory(org=org, status=Event.Status.CANCELLED)

    with pytest.raises(RsvpClosed):
        rsvp_join_and_set(event=event, user=outsider, rsvp=GOING)

    assert not Membership.objects.filter(user=outsider).exists()


def test_for_org_keeps_orgs_apart(event, member):
    other = AttendanceFactory()
    mine = rsvp_set(event=event, user=member, rsvp=GOING)

    assert list(Attendance.objects.for_org(event.org)) == [mine]
    assert list(AttendanceChange.objects.for_org(other.event.org)) == []


@pytest.mark.parametrize("rating", [0, 6])
def test_a_rating_outside_1_to_5_is_refused_by_the_database(rating):
    attendance = AttendanceFactory()
    attendance.rating = rating

    with pytest.raises(IntegrityError):
        attendance.save()


def test_a_waitlisted_record_needs_its_place_in_line():
    with pytest.raises(IntegrityError):
        AttendanceFactory(rsvp=WAITLISTED, waitlisted_at=None)


def test_every_ledger_row_is_announced_after_commit(
    full_house, member, make_member, django_capture_on_commit_callbacks
):
    from attendance.signals import attendance_changed

    heard = []

    def receiver(sender, changes, **kwargs):
        heard.extend((a.membership.user, change.new, change.source) for a, change in changes)

    attendance_changed.connect(receiver)
    try:
        bea = make_member("Bea")
        with django_capture_on_commit_callbacks(execute=True):
            rsvp_set(event=full_house, user=member, rsvp=GOING)
            rsvp_set(event=full_house, user=bea, rsvp=GOING)
            assert heard == []
            rsvp_set(event=full_house, user=member, rsvp=NOT_GOING)
    finally:
        attendance_changed.disconnect(receiver)

    assert heard == [
        (member, GOING, "self"),
        (bea, WAITLISTED, "self"),
        (member, NOT_GOING, "self"),
        (bea, GOING, "waitlist"),
    ]


def test_leaving_releases_upcoming_seats_to_the_waitlist(full_house, org, member, make_member):
    from attendance.services import rsvps_release

    bea = make_member("Bea")
    rsvp_set(event=full_house, user=member, rsvp=GOING)
    rsvp_set(event=full_house, user=bea, rsvp=GOING)
    past = RsvpEventFactory(org=org, start=timezone.now() - datetime.timedelta(days=3))
    kept = AttendanceFactory(event=past, membership=member.memberships.get())

    released = rsvps_release(membership=member.memberships.get())

    assert released == 1
    assert Attendance.objects.get(event=full_house, membership__user=member).rsvp == NOT_GOING
    assert Attendance.objects.get(event=full_house, membership__user=bea).rsvp == GOING
    kept.refresh_from_db()
    assert kept.rsvp == GOING
