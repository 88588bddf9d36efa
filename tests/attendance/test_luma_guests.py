"""lu.ma guests → RSVPs, against the fake lu.ma server (2 guests per page)."""

import pytest
from django.db import transaction

from attendance.models import Attendance, AttendanceChange
from events.luma import LumaClient, LumaError
from events.models import Event
from events.signals import luma_event_synced
from orgs.models import Membership
from tests.factories.attendance import RsvpEventFactory
from tests.factories.orgs import MembershipFactory
from tests.fakes.server import Reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def luma_event(org, fake_luma):
    entry = fake_luma.add_event(name="Reading night on lu.ma")
    event = RsvpEventFactory(
        org=org, source=Event.Source.LUMA, external_id=entry["api_id"], capacity=2
    )
    return event, entry["api_id"]


def sync(fake_luma, event, api_id) -> dict:
    """Fetch the guests, then send the per-event signal in a transaction, as the sync does."""
    stats: dict = {}
    with LumaClient(api_key=fake_luma.api_key, sleep=lambda s: None) as client:
        guests = list(client.iter_guests(event_api_id=api_id))
    with transaction.atomic():
        luma_event_synced.send(
            sender=Event,
            org=event.org,
            event=event,
            luma_event_api_id=api_id,
            guests=guests,
            stats=stats,
        )
    return stats


def test_guests_become_rsvps_and_check_ins(fake_luma, luma_event, member, org):
    event, api_id = luma_event
    fake_luma.add_guest(api_id, email=member.email.upper(), approval_status="approved")
    fake_luma.add_guest(api_id, email="decliner@example.org", approval_status="declined")
    fake_luma.add_guest(api_id, email="waiter@example.org", approval_status="waitlist")
    fake_luma.add_guest(
        api_id,
        email="came@example.org",
        name="Cara Came",
        approval_status="approved",
        checked_in_at="2030-05-01T17:05:00.000Z",
    )
    fake_luma.add_guest(api_id, email="pending@example.org", approval_status="pending_approval")

    stats = sync(fake_luma, event, api_id)

    rsvps = dict(Attendance.objects.filter(event=event).values_list("membership__email", "rsvp"))
    assert rsvps == {
        member.email: "going",
        "decliner@example.org": "not_going",
        "waiter@example.org": "waitlisted",
        "came@example.org": "going",
    }
    came = Attendance.objects.get(event=event, membership__email="came@example.org")
    assert (came.attended, came.attended_source) == (True, "luma_checkin")
    assert came.membership.name == "Cara Came"
    assert stats["guests"] == 5
    assert stats["guests_contacts_created"] == 3
    assert stats["guests_matched"] == 1
    assert stats["guests_skipped"] == 1
    assert stats["guests_checkins_recorded"] == 1
    # Every page was fetched: 5 guests at 2 per page.
    assert len(fake_luma.api_requests("/public/v1/event/get-guests")) == 3


def test_a_guest_name_with_nul_characters_is_kept_without_them(fake_luma, luma_event, org):
    """Postgres refuses NUL in any string: one odd name must not fail the event's sync."""
    event, api_id = luma_event
    fake_luma.add_guest(api_id, email="nul@example.org", name="Nu\x00la Null")
    stats = sync(fake_luma, event, api_id)
    assert stats["guests_contacts_created"] == 1
    assert Membership.objects.get(org=org, email="nul@example.org").name == "Nula Null"


def test_unknown_guests_become_contacts_from_luma(fake_luma, luma_event, org):
    event, api_id = luma_event
    fake_luma.add_guest(api_id, email="new.person@example.org", name="New Person")

    sync(fake_luma, event, api_id)

    contact = Membership.objects.get(org=org, email="new.person@example.org")
    assert (contact.status, contact.source, contact.user) == ("contact", "luma", None)


def test_a_member_who_changed_their_email_is_matched_by_their_account(
    fake_luma, luma_event, member, org
):
    """The membership keeps the address it was made with; lu.ma has the new one. The
    guest is the member (matched by their account's address), not a second contact."""
    event, api_id = luma_event
    membership = Membership.objects.get(org=org, user=member)
    member.email = "new.address@example.org"
    member.save(update_fields=["email"])
    fake_luma.add_guest(api_id, email="New.Address@example.org", approval_status="approved")

    stats = sync(fake_luma, event, api_id)

    assert list(Membership.objects.filter(org=org)) == [membership]
    assert Attendance.objects.get(event=event).membership == membership
    assert (stats["guests_matched"], stats["guests_contacts_created"]) == (1, 0)


def test_a_second_sync_changes_nothing(fake_luma, luma_event, member):
    event, api_id = luma_event
    fake_luma.add_guest(api_id, email=member.email, approval_status="approved")
    fake_luma.add_guest(api_id, email="w@example.org", approval_status="waitlist")
    fake_luma.add_guest(api_id, email="c@example.org", checked_in_at="2030-05-01T17:05:00.000Z")
    sync(fake_luma, event, api_id)
    changes = AttendanceChange.objects.count()
    memberships = Membership.objects.count()
    snapshot = list(Attendance.objects.order_by("pk").values())

    stats = sync(fake_luma, event, api_id)

    assert AttendanceChange.objects.count() == changes
    assert Membership.objects.count() == memberships
    assert list(Attendance.objects.order_by("pk").values()) == snapshot
    assert stats["guests_rsvps_changed"] == 0
    assert stats["guests_contacts_created"] == 0


def test_a_changed_answer_upstream_is_recorded_with_its_source(fake_luma, luma_event, member):
    event, api_id = luma_event
    guest = fake_luma.add_guest(api_id, email=member.email, approval_status="approved")
    sync(fake_luma, event, api_id)
    guest["guest"]["approval_status"] = "declined"

    sync(fake_luma, event, api_id)

    attendance = Attendance.objects.get(event=event)
    assert attendance.rsvp == "not_going"
    assert list(attendance.changes.values_list("old", "new", "source")) == [
        ("none", "going", "luma"),
        ("going", "not_going", "luma"),
    ]


def test_a_check_in_does_not_overwrite_an_admins_mark(fake_luma, luma_event, org):
    from attendance.services.ledger import attended_record

    event, api_id = luma_event
    membership = MembershipFactory(org=org)
    attendance = Attendance.objects.create(event=event, membership=membership)
    attended_record(attendance, attended=False, source="admin")
    fake_luma.add_guest(api_id, email=membership.email, checked_in_at="2030-05-01T17:05:00.000Z")

    sync(fake_luma, event, api_id)

    attendance.refresh_from_db()
    assert (attendance.attended, attendance.attended_source) == (False, "admin")


def test_guests_without_a_usable_email_are_skipped(fake_luma, luma_event):
    event, api_id = luma_event
    fake_luma.add_guest(api_id, email="", user_email="")
    fake_luma.add_guest(api_id, email="not-an-email", user_email="not-an-email")

    stats = sync(fake_luma, event, api_id)

    assert stats["guests_skipped"] == 2
    assert not Attendance.objects.exists()


def test_a_failing_guest_list_fails_the_sync_and_writes_nothing(fake_luma, luma_event):
    event, api_id = luma_event
    fake_luma.add_guest(api_id, approval_status="approved")
    fake_luma.add_guest(api_id, approval_status="approved")
    fake_luma.add_guest(api_id, approval_status="approved")
    fake_luma.fail(status=500, times=10)

    with pytest.raises(LumaError):
        sync(fake_luma, event, api_id)

    assert not Attendance.objects.exists()
    assert not Membership.objects.filter(source="luma").exists()


def _connect_org(org, fake_luma):
    from events.crypto import encrypt

    org.luma_api_key_encrypted = encrypt(fake_luma.api_key)
    org.save(update_fields=["luma_api_key_encrypted"])


def test_a_full_luma_sync_imports_every_page_of_guests_and_a_rerun_changes_nothing(
    fake_luma, org, member
):
    from events.sync import calendar_sync

    _connect_org(org, fake_luma)
    api_ids = [fake_luma.add_event()["api_id"] for _ in range(3)]
    for n in range(5):
        fake_luma.add_guest(api_ids[0], email=f"guest{n}@example.org", approval_status="approved")
    fake_luma.add_guest(api_ids[1], email=member.email, approval_status="waitlist")

    first = calendar_sync(org=org, source="luma")
    changes = AttendanceChange.objects.count()
    second = calendar_sync(org=org, source="luma")

    assert first.ok, first.error
    assert second.ok, second.error
    assert Attendance.objects.filter(event__external_id=api_ids[0], rsvp="going").count() == 5
    assert Attendance.objects.get(membership__user=member).rsvp == "waitlisted"
    assert changes == 6
    assert AttendanceChange.objects.count() == changes
    assert second.details["stats"]["guests_rsvps_changed"] == 0
    assert second.details["stats"]["guests_contacts_created"] == 0


def test_a_guest_list_that_fails_midway_leaves_events_and_rsvps_as_they_were(fake_luma, org):
    from events.sync import calendar_sync

    _connect_org(org, fake_luma)
    api_id = fake_luma.add_event()["api_id"]
    for _ in range(3):
        fake_luma.add_guest(api_id)

    original = fake_luma.respond

    def respond(request):
        # The events page answers; every guest-list request fails.
        if request.path.endswith("get-guests"):
            return Reply.json({"message": "Internal error"}, 500)
        return original(request)

    fake_luma.respond = respond

    log = calendar_sync(org=org, source="luma")

    assert not log.ok
    assert not Event.objects.filter(org=org).exists()
    assert not Attendance.objects.exists()
