"""The check-in list: marks, walk-ins, counts, conflicts, feedback (issue #6)."""

import html

import pytest
from django.urls import reverse

from attendance.errors import CheckinError
from attendance.models import Attendance, AttendanceChange
from attendance.selectors.checkin import checkin_counts, checkin_rows
from attendance.services.answers import attendance_answer, attendance_feedback_set
from attendance.services.checkin import checkin_mark, checkin_walk_in
from attendance.services.ledger import attended_record
from orgs.models import Membership
from tests.attendance.after_event import ended_event, reload, rsvp_of
from tests.factories.attendance import RsvpEventFactory
from tests.factories.orgs import OrganizationFactory

pytestmark = pytest.mark.django_db


def checkin_url(event, name="attendance:checkin") -> str:
    return reverse(name, kwargs={"slug": event.org.slug, "event_id": event.pk})


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def event(org):
    return ended_event(org, title="Reading night")


def test_marking_many_at_once_uses_the_admin_source(event, admin):
    people = [rsvp_of(event) for _ in range(3)]

    marked = checkin_mark(
        event=event, attendance_ids=[p.pk for p in people[:2]], attended=True, actor=admin
    )

    assert marked == 2
    assert [reload(p).attended for p in people] == [True, True, None]
    assert reload(people[0]).attended_source == "admin"
    assert AttendanceChange.objects.get(attendance=people[0]).actor == admin


def test_ids_of_another_event_are_ignored(event, admin):
    other = rsvp_of(ended_event(OrganizationFactory()))

    with pytest.raises(CheckinError):
        checkin_mark(event=event, attendance_ids=[], attended=True, actor=admin)
    assert checkin_mark(event=event, attendance_ids=[other.pk], attended=True, actor=admin) == 0
    assert reload(other).attended is None


def test_no_check_in_for_cancelled_or_far_future_events(org, admin):
    cancelled = ended_event(org, status="cancelled")
    future = RsvpEventFactory(org=org)
    for event in (cancelled, future):
        attendance = rsvp_of(event)
        with pytest.raises(CheckinError):
            checkin_mark(event=event, attendance_ids=[attendance.pk], attended=True, actor=admin)


def test_walk_in_with_an_unknown_email_becomes_a_contact(event, admin):
    walk_in = checkin_walk_in(event=event, email=" New@Example.org ", name="Nia New", actor=admin)

    assert walk_in.new_contact
    membership = walk_in.attendance.membership
    assert (membership.email, membership.status, membership.source) == (
        "new@example.org",
        Membership.Status.CONTACT,
        "admin",
    )
    a = reload(walk_in.attendance)
    assert (a.rsvp, a.attended, a.attended_source) == ("none", True, "admin")


def test_walk_in_of_a_known_member_uses_their_record(event, admin, member):
    attendance = rsvp_of(event, user=member)

    walk_in = checkin_walk_in(event=event, email=member.email.upper(), actor=admin)

    assert not walk_in.new_contact
    assert walk_in.attendance.pk == attendance.pk
    assert reload(attendance).attended is True
    again = checkin_walk_in(event=event, email=member.email, actor=admin)
    assert again.already_there


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@b.org", "", "two@@example.org"])
def test_walk_in_with_a_malformed_email_is_refused(event, admin, email):
    with pytest.raises(CheckinError, match="is not an email address"):
        checkin_walk_in(event=event, email=email, actor=admin)
    assert Membership.objects.filter(org=event.org).count() == 1  # just the admin


def test_counts_and_conversion(event, admin):
    came = [rsvp_of(event) for _ in range(3)]
    no_show = rsvp_of(event)
    rsvp_of(event, rsvp="maybe")  # unknown
    rsvp_of(event, rsvp="waitlisted")
    rsvp_of(event, rsvp="not_going")
    checkin_mark(event=event, attendance_ids=[a.pk for a in came], attended=True, actor=admin)
    checkin_mark(event=event, attendance_ids=[no_show.pk], attended=False, actor=admin)
    checkin_walk_in(event=event, email="walker@example.org", actor=admin)

    counts = checkin_counts(event=event)

    assert (counts.rsvped, counts.attended, counts.no_shows, counts.unknown) == (5, 4, 1, 1)
    assert (counts.walk_ins, counts.waitlisted, counts.conversion) == (1, 1, 60)
    # The list: RSVPs (going, maybe, waitlisted) and walk-ins; not the "not going".
    assert len(checkin_rows(event=event)) == 7


def test_page_shows_people_counts_and_feedback(client_as_admin, event, admin):
    ana = rsvp_of(event)
    attendance_answer(attendance=ana, attended=True)
    attendance_feedback_set(attendance=ana, rating=5, comment="Best night this year")
    rsvp_of(event, rsvp="maybe")

    response = client_as_admin.get(checkin_url(event))

    assert response.status_code == 200
    page = text(response)
    assert "Check-in: Reading night" in page
    assert ana.membership.display_name in page
    assert "Best night this year" in page
    assert "5.0" in page
    assert "from 1 rating" in page
    assert "50%" in page  # 1 of 2 who RSVPed came


def test_page_query_count_does_not_grow_with_people(
    client_as_admin, event, django_assert_max_num_queries
):
    for _ in range(15):
        rsvp_of(event)

    with django_assert_max_num_queries(20):
        assert client_as_admin.get(checkin_url(event)).status_code == 200


def test_post_marks_one_row_and_redirects_back(client_as_admin, event):
    attendance = rsvp_of(event)

    response = client_as_admin.post(checkin_url(event), {"mark": f"{attendance.pk}:yes"})

    assert response.status_code == 302
    assert reload(attendance).attended is True
    follow = client_as_admin.get(response["Location"])
    assert "Marked 1 person attended." in text(follow)


def test_post_bulk_marks_ticked_rows(client_as_admin, event):
    people = [rsvp_of(event) for _ in range(3)]

    client_as_admin.post(checkin_url(event), {"action": "no", "ids": [people[0].pk, people[2].pk]})

    assert [reload(p).attended for p in people] == [False, None, False]


def test_post_with_nothing_ticked_says_so(client_as_admin, event):
    response = client_as_admin.post(checkin_url(event), {"action": "yes"}, follow=True)

    assert "Tick at least one person first." in text(response)


def test_walk_in_form_errors_keep_the_input(client_as_admin, event):
    response = client_as_admin.post(
        checkin_url(event, "attendance:checkin-walk-in"), {"email": "nia@", "name": "Nia"}
    )

    assert response.status_code == 400
    page = text(response)
    assert "“nia@” is not an email address" in page
    assert 'value="Nia"' in page


def test_walk_in_form_adds_a_contact(client_as_admin, event):
    response = client_as_admin.post(
        checkin_url(event, "attendance:checkin-walk-in"),
        {"email": "nia@example.org", "name": "Nia"},
        follow=True,
    )

    assert "Checked in Nia. They are new to" in text(response)
    assert Attendance.objects.get(event=event, membership__email="nia@example.org").attended


def test_conflict_is_shown_and_an_admin_mark_settles_it(client_as_admin, event, admin):
    attendance = rsvp_of(event)
    with_luma = Attendance.objects.get(pk=attendance.pk)
    attended_record(with_luma, attended=False, source="luma_checkin")
    outcome = attendance_answer(attendance=attendance, attended=True)
    assert not outcome.recorded

    page = text(client_as_admin.get(checkin_url(event)))
    assert "To settle: 1 member sees it differently" in page
    assert "says they <strong>attended</strong>" in page
    assert "Disputed" in page

    client_as_admin.post(checkin_url(event), {"mark": f"{attendance.pk}:yes"})

    conflict = AttendanceChange.objects.get(attendance=attendance, applied=False)
    assert conflict.settled_at is not None
    assert conflict.settled_by == admin
    assert reload(attendance).attended is True
    assert "To settle" not in text(client_as_admin.get(checkin_url(event)))


def test_event_page_shows_the_check_in_panel_to_admins_only(
    client_as_admin, client_as_member, event
):
    assert "Open the check-in list" in text(client_as_admin.get(event.get_absolute_url()))
    assert "Open the check-in list" not in text(client_as_member.get(event.get_absolute_url()))


def test_event_page_has_no_going_count_that_an_htmx_rsvp_would_leave_stale(client_as_member, org):
    """The widget shows "N / M going" and is swapped by htmx; the Details card keeps only
    the capacity (which an RSVP does not change), never a second going count."""
    event = RsvpEventFactory(org=org, capacity=10)

    page = text(client_as_member.get(event.get_absolute_url()))

    assert "0 / 10 going" in page
    assert "of 10 places" not in page
    assert "10 places" in page
