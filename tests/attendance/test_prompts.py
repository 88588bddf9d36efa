"""The "Did you attend?" prompt job: who is asked, when, how often (issue #6)."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command

from astn.notifications.models import Notification, OutboundEmail
from astn.notifications.services import outbox_flush
from attendance.models import Attendance
from attendance.services.answers import prompt_defer
from attendance.services.prompts import prompts_send_due
from tests.attendance.after_event import NOW, ended_event, reload, rsvp_of

pytestmark = pytest.mark.django_db

H = datetime.timedelta(hours=1)


def run(now=NOW, *, capture):
    with capture(execute=True):
        sent = prompts_send_due(now=now)
    # The sender is started once per transaction, and a test is one transaction.
    outbox_flush()
    return sent


def test_going_and_maybe_are_asked_two_to_four_hours_after_the_end(
    org, django_capture_on_commit_callbacks
):
    event = ended_event(org, hours_ago=3, title="Reading night")
    going = rsvp_of(event, rsvp="going")
    maybe = rsvp_of(event, rsvp="maybe")
    rsvp_of(event, rsvp="not_going")
    rsvp_of(event, rsvp="waitlisted")

    assert run(capture=django_capture_on_commit_callbacks) == 2

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [going.membership.user.email, maybe.membership.user.email]
    )
    message = mail.outbox[0]
    assert message.subject == "Did you attend Reading night?"
    assert "List-Unsubscribe" in message.extra_headers
    links = re.findall(r"https?://\S+/a/[^/\s]+/\?answer=(yes|no|later)", message.body)
    assert sorted(links) == ["later", "no", "yes"]
    html = message.alternatives[0][0]
    assert "Yes, I was there" in html
    assert "Remind me later" in html
    assert reload(going).prompt_count == 1
    assert reload(going).last_prompted_at == NOW
    assert OutboundEmail.objects.filter(key=f"prompt:{going.pk}:1", category="prompts").exists()
    note = Notification.objects.get(user=going.membership.user, key=f"prompt:{going.pk}:1")
    assert note.title == "Did you attend Reading night?"
    assert note.url == "/me/attendance/"


@pytest.mark.parametrize("hours_ago", [1, 1.99, 4.01, 30])
def test_outside_the_window_nobody_is_asked(org, hours_ago, django_capture_on_commit_callbacks):
    rsvp_of(ended_event(org, hours_ago=hours_ago))

    assert run(capture=django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_people_who_opted_out_muted_left_answered_or_dismissed_are_not_asked(
    org, django_capture_on_commit_callbacks
):
    event = ended_event(org)
    opted_out = rsvp_of(event)
    opted_out.membership.user.notification_settings.attendance_prompts = False
    opted_out.membership.user.notification_settings.save()
    rsvp_of(event, muted=True)
    rsvp_of(event, status="left")
    answered = rsvp_of(event)
    Attendance.objects.filter(pk=answered.pk).update(attended=True, attended_source="admin")
    dismissed = rsvp_of(event)
    Attendance.objects.filter(pk=dismissed.pk).update(dismissed_at=NOW)
    cancelled = ended_event(org, status="cancelled")
    rsvp_of(cancelled)

    assert run(capture=django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_running_twice_sends_one_prompt(org, django_capture_on_commit_callbacks):
    rsvp_of(ended_event(org))

    assert run(capture=django_capture_on_commit_callbacks) == 1
    assert (
        run(NOW + 10 * datetime.timedelta(minutes=1), capture=django_capture_on_commit_callbacks)
        == 0
    )
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_remind_me_later_asks_once_more_a_day_later_and_that_is_the_last(
    org, django_capture_on_commit_callbacks
):
    attendance = rsvp_of(ended_event(org, title="Salon"))
    run(capture=django_capture_on_commit_callbacks)

    prompt_defer(attendance=attendance, now=NOW + H)
    assert reload(attendance).remind_after == NOW + 25 * H
    assert run(NOW + 24 * H, capture=django_capture_on_commit_callbacks) == 0  # not yet due
    assert run(NOW + 25 * H, capture=django_capture_on_commit_callbacks) == 1

    second = mail.outbox[-1]
    assert second.subject == "Last ask: did you attend Salon?"
    assert "answer=later" not in second.body  # no "later" on the last prompt
    assert "last time we ask" in second.body
    assert reload(attendance).prompt_count == 2

    # "Later" again: nothing more is ever sent; attendance stays unknown (not a no-show).
    outcome = prompt_defer(attendance=attendance, now=NOW + 26 * H)
    assert "won't ask again" in outcome.message
    assert reload(attendance).remind_after is None
    for days in (2, 3, 10):
        assert run(NOW + days * 24 * H, capture=django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2
    assert reload(attendance).attended is None


def test_the_third_prompt_never_happens_even_if_remind_after_is_set(
    org, django_capture_on_commit_callbacks
):
    attendance = rsvp_of(ended_event(org))
    Attendance.objects.filter(pk=attendance.pk).update(prompt_count=2, remind_after=NOW - H)

    assert run(capture=django_capture_on_commit_callbacks) == 0
    assert not OutboundEmail.objects.filter(key=f"prompt:{attendance.pk}:3").exists()


def test_run_job_sends_the_prompts(org):
    rsvp_of(ended_event(org, hours_ago=3, now=datetime.datetime.now(datetime.UTC)))

    call_command("run_job", "attendance_prompts")

    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.get().status == "sent"


def test_prompts_go_out_in_batches(org, django_capture_on_commit_callbacks):
    event = ended_event(org)
    for _ in range(5):
        rsvp_of(event)

    with django_capture_on_commit_callbacks(execute=True):
        assert prompts_send_due(now=NOW, batch_size=2) == 5
    assert Attendance.objects.filter(prompt_count=1).count() == 5


def test_an_unusable_address_does_not_hold_up_the_others(org, django_capture_on_commit_callbacks):
    from astn.accounts.models import User

    event = ended_event(org)
    broken, fine = rsvp_of(event), rsvp_of(event)
    User.objects.filter(pk=broken.membership.user_id).update(email="not-an-address")

    assert run(capture=django_capture_on_commit_callbacks) == 2

    assert [m.to for m in mail.outbox] == [[fine.membership.user.email]]
    assert reload(broken).prompt_count == 1  # not retried forever
    assert not Notification.objects.filter(key=f"prompt:{broken.pk}:1").exists()
