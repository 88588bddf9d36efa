"""`/a/<token>/`: one-tap answers from the email, without logging in (issue #6)."""

import datetime
import html

import pytest
from django.test import Client

from astn.notifications import links
from attendance.models import Attendance, AttendanceChange
from attendance.services.prompts import answer_url, attendance_token
from tests.attendance.after_event import ended_event, reload, rsvp_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def attendance(org):
    return rsvp_of(ended_event(org, title="Reading night"))


def url(attendance, query="") -> str:
    full = answer_url(attendance)
    return "/" + full.split("/", 3)[3] + query


def text(response) -> str:
    return html.unescape(response.content.decode())


def csrf_client() -> Client:
    """A browser-like client: CSRF enforced, nobody logged in."""
    return Client(enforce_csrf_checks=True)


def snapshot(attendance):
    a = reload(attendance)
    return (a.attended, a.attended_source, a.rating, a.feedback, a.dismissed_at, a.remind_after)


@pytest.mark.parametrize("answer", ["yes", "no", "later", ""])
def test_get_shows_the_event_and_changes_nothing(attendance, answer):
    before = snapshot(attendance)

    response = csrf_client().get(url(attendance, f"?answer={answer}"))

    assert response.status_code == 200
    page = text(response)
    assert "Did you attend Reading night?" in page
    assert snapshot(attendance) == before
    assert not AttendanceChange.objects.filter(attendance=attendance).exists()
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_get_preselects_the_answer_in_one_big_button(attendance):
    page = text(csrf_client().get(url(attendance, "?answer=yes")))

    assert 'name="answer" value="yes" class="btn btn-success btn-lg w-100' in page


def test_post_yes_records_a_self_report_without_login_or_csrf_cookie(attendance):
    response = csrf_client().post(url(attendance), {"answer": "yes"})

    assert response.status_code == 200
    a = reload(attendance)
    assert (a.attended, a.attended_source) == (True, "self")
    change = AttendanceChange.objects.get(attendance=attendance)
    assert (change.field, change.old, change.new, change.source) == ("attended", "", "true", "self")
    assert change.actor == attendance.membership.user
    page = text(response)
    assert "Glad you made it" in page
    assert "How was it?" in page  # the optional feedback form follows a yes
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_token_never_logs_anyone_in(attendance):
    client = csrf_client()
    client.post(url(attendance), {"answer": "yes"})

    assert "_auth_user_id" not in client.session
    assert client.get("/me/attendance/").status_code == 302


def test_feedback_after_yes(attendance):
    client = csrf_client()
    client.post(url(attendance), {"answer": "yes"})

    response = client.post(
        url(attendance), {"step": "feedback", "rating": "5", "comment": "  Lovely evening. "}
    )

    assert response.status_code == 200
    assert "Thank you for the feedback" in text(response)
    a = reload(attendance)
    assert (a.rating, a.feedback) == (5, "Lovely evening.")


@pytest.mark.parametrize("rating", ["0", "7", "-1", "five"])
def test_a_rating_outside_one_to_five_is_refused_and_the_comment_kept(attendance, rating):
    client = csrf_client()
    client.post(url(attendance), {"answer": "yes"})

    response = client.post(
        url(attendance), {"step": "feedback", "rating": rating, "comment": "Keep me"}
    )

    assert response.status_code == 400
    page = text(response)
    assert "Choose between 1 and 5 stars." in page
    assert "Keep me" in page
    assert reload(attendance).rating is None


def test_a_very_long_comment_gets_a_clear_message_and_is_kept(attendance):
    client = csrf_client()
    client.post(url(attendance), {"answer": "yes"})
    comment = "Wonderful. " * 300

    response = client.post(url(attendance), {"step": "feedback", "rating": "4", "comment": comment})

    assert response.status_code == 400
    page = text(response)
    assert "Please keep your comment to 2,000 characters" in page
    assert "Wonderful. Wonderful." in page
    assert reload(attendance).feedback == ""


def test_no_rating_is_fine(attendance):
    client = csrf_client()
    client.post(url(attendance), {"answer": "yes"})

    response = client.post(url(attendance), {"step": "feedback", "rating": "", "comment": "ok"})

    assert response.status_code == 200
    assert (reload(attendance).rating, reload(attendance).feedback) == (None, "ok")


def test_a_second_answer_changes_the_first_and_both_are_in_the_ledger(attendance):
    client = csrf_client()
    client.post(url(attendance), {"answer": "yes"})
    response = client.post(url(attendance), {"answer": "no"})

    assert "Changed." in text(response)
    assert reload(attendance).attended is False
    assert list(
        AttendanceChange.objects.filter(attendance=attendance).values_list("old", "new")
    ) == [("", "true"), ("true", "false")]


def test_remind_me_later_and_dont_ask_again(attendance):
    client = csrf_client()
    response = client.post(url(attendance), {"answer": "later"})
    assert "ask you again tomorrow" in text(response)
    assert reload(attendance).remind_after is not None

    response = client.post(url(attendance), {"answer": "dismiss"})
    assert "won't ask about this event again" in text(response)
    a = reload(attendance)
    assert a.dismissed_at is not None
    assert a.remind_after is None
    assert a.attended is None


def test_an_unknown_answer_is_a_clear_message(attendance):
    response = csrf_client().post(url(attendance), {"answer": "maybe"})

    assert response.status_code == 400
    assert "Choose yes or no." in text(response)
    assert reload(attendance).attended is None


def test_a_cancelled_event_gets_a_friendly_page_and_nothing_is_recorded(attendance):
    event = attendance.event
    event.status = "cancelled"
    event.save(update_fields=["status"])

    for method, data in (("get", None), ("post", {"answer": "yes"})):
        response = getattr(csrf_client(), method)(url(attendance), data)
        assert response.status_code == 410
        assert "was cancelled, so there is nothing to answer" in text(response)
    assert reload(attendance).attended is None


def _bad_tokens(attendance):
    good = attendance_token(attendance)
    return {
        "tampered": good[:-3] + ("abc" if not good.endswith("abc") else "xyz"),
        "cut short": good[: len(good) // 2],
        "wrong purpose": links.make_token("unsubscribe", {"a": attendance.pk, "m": 1}),
        "garbage": "not-a-token",
    }


@pytest.mark.parametrize("kind", ["tampered", "cut short", "wrong purpose", "garbage"])
def test_bad_tokens_get_a_friendly_page_and_change_nothing(attendance, kind):
    token = _bad_tokens(attendance)[kind]
    before = snapshot(attendance)

    for method, data in (("get", None), ("post", {"answer": "yes"})):
        response = getattr(csrf_client(), method)(f"/a/{token}/", data)
        assert response.status_code == 400, (kind, method)
        page = text(response)
        assert "This link is not valid" in page
        assert "Nothing was recorded" in page
    assert snapshot(attendance) == before


def test_an_expired_token_gets_a_friendly_page(attendance, settings, monkeypatch):
    token = attendance_token(attendance)
    later = datetime.datetime.now().timestamp() + 31 * 24 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    response = csrf_client().post(f"/a/{token}/", {"answer": "yes"})

    assert response.status_code == 400
    assert "This link has expired." in text(response)
    assert reload(attendance).attended is None


@pytest.mark.parametrize("how", ["left", "anonymised", "deleted record", "other membership"])
def test_a_revoked_link_gets_a_friendly_page(attendance, how):
    token = attendance_token(attendance)
    membership = attendance.membership
    if how == "left":
        membership.status = "left"
        membership.save(update_fields=["status"])
    elif how == "anonymised":
        membership.user = None
        membership.email = ""
        membership.anonymised_at = membership.joined_at
        membership.save(update_fields=["user", "email", "anonymised_at"])
    elif how == "deleted record":
        Attendance.objects.filter(pk=attendance.pk).delete()
    else:
        token = links.make_token("attendance", {"a": attendance.pk, "m": membership.pk + 999})

    response = csrf_client().post(f"/a/{token}/", {"answer": "yes"})

    assert response.status_code == 404
    assert "no longer works" in text(response)
    assert not AttendanceChange.objects.exists()


def test_a_self_report_does_not_overwrite_an_admin_mark(attendance):
    from attendance.services.checkin import checkin_mark

    admin_user = attendance.membership.user  # any actor will do for the mark
    checkin_mark(
        event=attendance.event, attendance_ids=[attendance.pk], attended=False, actor=admin_user
    )

    response = csrf_client().post(url(attendance), {"answer": "yes"})

    page = text(response)
    assert "Your organisers already recorded you as not there" in page
    a = reload(attendance)
    assert (a.attended, a.attended_source) == (False, "admin")
    conflict = AttendanceChange.objects.get(attendance=attendance, applied=False)
    assert (conflict.new, conflict.source, conflict.settled_at) == ("true", "self", None)
