"""The member's side, signed in: dashboard cards, /me/attendance/, privacy, export (issue #6)."""

import datetime
import html

import pytest
from django.test import Client
from django.urls import reverse

from astn.accounts.export import export_for_user
from attendance.models import Attendance, AttendanceChange
from attendance.selectors.checkin import admin_attendance_history
from attendance.services.answers import attendance_answer
from attendance.services.ledger import attended_record
from attendance.signals import attendance_changed, attendance_feedback_changed
from tests.attendance.after_event import ended_event, reload, rsvp_of
from tests.factories.orgs import ContactMembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def answer_path(attendance) -> str:
    return reverse("attendance:my-answer", kwargs={"attendance_id": attendance.pk})


@pytest.fixture
def pending(org, member):
    return rsvp_of(ended_event(org, hours_ago=30, title="Poetry slam"), user=member)


def test_dashboard_shows_pending_cards(client_as_member, pending):
    page = text(client_as_member.get("/"))

    assert "Did you attend" in page
    assert "Poetry slam" in page
    assert f'id="answer-card-{pending.pk}"' in page


def test_dashboard_hides_old_answered_dismissed_and_deferred_events(client_as_member, org, member):
    rsvp_of(ended_event(org, hours_ago=15 * 24, title="Too old"), user=member)
    answered = rsvp_of(ended_event(org, title="Answered"), user=member)
    attendance_answer(attendance=answered, attended=True)
    dismissed = rsvp_of(ended_event(org, title="Dismissed"), user=member)
    Attendance.objects.filter(pk=dismissed.pk).update(dismissed_at=dismissed.rsvp_at)
    later = rsvp_of(ended_event(org, title="Deferred"), user=member)
    Attendance.objects.filter(pk=later.pk).update(
        remind_after=later.rsvp_at + datetime.timedelta(days=2)
    )

    page = text(client_as_member.get("/"))

    for title in ("Too old", "Answered", "Dismissed", "Deferred"):
        assert title not in page


def test_dashboard_card_hidden_when_prompts_are_off(client_as_member, member, pending):
    member.notification_settings.attendance_prompts = False
    member.notification_settings.save()

    assert "Poetry slam" not in text(client_as_member.get("/"))


def test_htmx_answer_swaps_the_card_with_the_feedback_form(client_as_member, pending):
    response = client_as_member.post(answer_path(pending), {"answer": "yes", "next": "/"}, **HTMX)

    assert response.status_code == 200
    page = text(response)
    assert "<html" not in page
    assert f'id="answer-card-{pending.pk}"' in page
    assert "Glad you made it" in page
    assert "How was it?" in page
    assert reload(pending).attended is True

    response = client_as_member.post(
        answer_path(pending), {"step": "feedback", "rating": "4", "comment": "Fun"}, **HTMX
    )
    assert "Thank you for the feedback" in text(response)
    assert (reload(pending).rating, reload(pending).feedback) == (4, "Fun")


def test_plain_post_without_js_redirects_to_next(client_as_member, pending):
    response = client_as_member.post(answer_path(pending), {"answer": "no", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert reload(pending).attended is False


def test_plain_post_with_a_bad_rating_keeps_the_input(client_as_member, pending):
    client_as_member.post(answer_path(pending), {"answer": "yes"})

    response = client_as_member.post(
        answer_path(pending), {"step": "feedback", "rating": "7", "comment": "Keep this"}
    )

    assert response.status_code == 400
    assert "Choose between 1 and 5 stars." in text(response)
    assert "Keep this" in text(response)


def test_an_unsafe_next_is_ignored(client_as_member, pending):
    response = client_as_member.post(
        answer_path(pending), {"answer": "no", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/me/attendance/"


def test_someone_elses_attendance_is_404(client_as_member, org):
    other = rsvp_of(ended_event(org))

    assert client_as_member.post(answer_path(other), {"answer": "yes"}).status_code == 404
    assert reload(other).attended is None


def test_answering_needs_csrf_from_the_session(member, pending):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    assert client.post(answer_path(pending), {"answer": "yes"}).status_code == 403


def test_history_lists_every_event_across_orgs_paginated(client_as_member, org, member):
    other_org = OrganizationFactory(name="Lisbon Readers")
    rsvp_of(ended_event(other_org, title="Lisbon salon"), user=member)
    for i in range(22):
        rsvp_of(ended_event(org, hours_ago=24 * (i + 20), title=f"Old meetup {i}"), user=member)

    page1 = text(client_as_member.get("/me/attendance/"))
    page2 = text(client_as_member.get("/me/attendance/?page=2"))

    assert "Lisbon salon" in page1
    assert "Lisbon Readers" in page1
    assert "Page 1 of 2" in page1
    assert "Old meetup 21" in page2


def test_history_needs_login(client):
    assert client.get("/me/attendance/").status_code == 302


def test_history_edit_changes_a_past_answer(client_as_member, org, member):
    old = rsvp_of(ended_event(org, hours_ago=24 * 40, title="Long ago"), user=member)
    attendance_answer(attendance=old, attended=False)

    client_as_member.post(answer_path(old), {"answer": "yes", "next": "/me/attendance/"})

    assert reload(old).attended is True
    assert AttendanceChange.objects.filter(attendance=old).count() == 2


def test_privacy_setting_hides_history_from_admins(org, member):
    attendance = rsvp_of(ended_event(org), user=member)
    membership = attendance.membership

    assert list(admin_attendance_history(org=org, membership=membership)) == [attendance]

    member.privacy_settings.attendance_visible_to_admins = False
    member.privacy_settings.save()
    assert admin_attendance_history(org=org, membership=membership) is None
    # Another org's admin never sees it, whatever the setting.
    assert not admin_attendance_history(org=OrganizationFactory(), membership=membership)


def test_contacts_history_is_the_orgs_own_record(org):
    contact = ContactMembershipFactory(org=org)
    event = ended_event(org)
    attendance = Attendance.objects.create(event=event, membership=contact)

    assert list(admin_attendance_history(org=org, membership=contact)) == [attendance]


def test_export_holds_answers_feedback_and_prompts(org, member):
    attendance = rsvp_of(ended_event(org, title="Exported"), user=member)
    Attendance.objects.filter(pk=attendance.pk).update(prompt_count=1)
    attendance_answer(attendance=attendance, attended=True, actor=member)
    Attendance.objects.filter(pk=attendance.pk).update(rating=4, feedback="Nice")

    section = export_for_user(member)["attendance"]

    row = next(r for r in section if r["event"] == "Exported")
    assert (row["attended"], row["attended_source"], row["rating"], row["feedback"]) == (
        True,
        "self",
        4,
        "Nice",
    )
    assert row["prompts_sent"] == 1
    assert row["history"][-1]["applied"] is True


def test_signals_fire_for_changes_not_for_refused_reports(
    org, member, django_capture_on_commit_callbacks
):
    attendance = rsvp_of(ended_event(org), user=member)
    heard, feedback = [], []

    def on_change(sender, changes, **kwargs):
        heard.extend((change.source, change.new, change.applied) for _, change in changes)

    def on_feedback(sender, attendance, **kwargs):
        feedback.append(attendance.rating)

    attendance_changed.connect(on_change, dispatch_uid="test.on_change")
    attendance_feedback_changed.connect(on_feedback, dispatch_uid="test.on_feedback")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            attended_record(reload(attendance), attended=False, source="admin")
        with django_capture_on_commit_callbacks(execute=True):
            attendance_answer(attendance=attendance, attended=True)  # refused
        from attendance.services.answers import attendance_feedback_set
        from attendance.services.checkin import checkin_mark

        with django_capture_on_commit_callbacks(execute=True):
            checkin_mark(
                event=attendance.event, attendance_ids=[attendance.pk], attended=True, actor=None
            )
            attendance_feedback_set(attendance=attendance, rating=3)
    finally:
        attendance_changed.disconnect(dispatch_uid="test.on_change")
        attendance_feedback_changed.disconnect(dispatch_uid="test.on_feedback")

    assert heard == [("admin", "false", True), ("admin", "true", True)]
    assert feedback == [3]


def test_history_query_count_does_not_grow_with_rows(
    client_as_member, org, member, django_assert_max_num_queries
):
    for i in range(12):
        rsvp_of(ended_event(org, hours_ago=24 * (i + 20)), user=member)

    with django_assert_max_num_queries(15):
        assert client_as_member.get("/me/attendance/").status_code == 200


def test_the_last_prompts_later_link_does_not_offer_later(org):
    from tests.attendance.test_answer_page import csrf_client, url

    attendance = rsvp_of(ended_event(org))
    Attendance.objects.filter(pk=attendance.pk).update(prompt_count=2)

    page = text(csrf_client().get(url(attendance, "?answer=later")))

    assert "Remind me tomorrow" not in page
    assert "Remind me later" not in page
    assert "Yes, I was there" in page


def test_deleting_the_account_erases_comments_and_keeps_ratings(org, member):
    from astn.accounts.deletion import deletion_notes_for
    from astn.accounts.services import account_delete

    attendance = rsvp_of(ended_event(org), user=member)
    Attendance.objects.filter(pk=attendance.pk).update(
        attended=True, attended_source="self", rating=4, feedback="Say hi to Lena from me"
    )
    assert "Your 1 comment about events is deleted" in " ".join(deletion_notes_for(member))

    account_delete(user=member)

    a = reload(attendance)
    assert (a.rating, a.feedback) == (4, "")
    assert a.membership.user is None
