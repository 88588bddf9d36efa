"""Rounds from open to "Did you meet?": invitations, reminders, matching, ICS, follow-up, ghosts."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from astn.notifications.models import OutboundEmail
from astn.notifications.services import outbox_flush
from communities import availability
from communities.models import CommunityMember, Match, Round, RoundParticipant
from communities.services import followup, matching, members, rounds
from engagement.models import Activity
from tests.factories.communities import (
    CommunityMemberFactory,
    ParticipantFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db


def _ics(message) -> Calendar:
    for attachment in message.attachments:
        name, content, _mimetype = attachment
        if name.endswith(".ics"):
            return Calendar.from_ical(content)
    raise AssertionError("no ICS attached")


def test_rounds_open_invites_every_active_member_once(community):
    active = CommunityMemberFactory.create_batch(2, community=community)
    CommunityMemberFactory(community=community, status=CommunityMember.Status.PAUSED)
    now = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)
    assert rounds.rounds_open_due(now=now) == 2
    assert rounds.rounds_open_due(now=now) == 0  # idempotent
    round_ = Round.objects.get(community=community)
    assert round_.month == datetime.date(2026, 3, 1)
    assert round_.participants.count() == 2
    emails = OutboundEmail.objects.filter(key__startswith="round-invite:")
    assert {e.to for e in emails} == {m.email for m in active}
    # RFC 8058 one-click unsubscribe on invitations.
    assert all(e.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for e in emails)


def test_a_deadline_of_31_in_february_is_the_last_day(community):
    community.signup_deadline_day = 30
    community.match_day = 31
    deadline, match_at = rounds.round_times(community, datetime.date(2026, 2, 1))
    assert deadline.date() == datetime.date(2026, 2, 28)
    # The match day also clamps to the 28th: it moves to the morning after the deadline.
    assert match_at.date() == datetime.date(2026, 3, 1)
    assert match_at > deadline


def test_reminders_go_three_days_before_the_deadline_to_who_has_not_finished(community):
    round_ = RoundFactory(community=community)
    done = ParticipantFactory(round=round_, invited_at=timezone.now())
    waiting = RoundParticipant.objects.create(
        round=round_,
        member=CommunityMemberFactory(community=community),
        invited_at=timezone.now(),
    )
    too_early = round_.signup_deadline - datetime.timedelta(days=4)
    assert rounds.round_reminders_due(now=too_early) == 0
    now = round_.signup_deadline - datetime.timedelta(days=2)
    assert rounds.round_reminders_due(now=now) == 1
    assert rounds.round_reminders_due(now=now) == 0
    keys = set(OutboundEmail.objects.values_list("key", flat=True))
    assert f"round-reminder:{round_.pk}:{waiting.member_id}" in keys
    assert f"round-reminder:{round_.pk}:{done.member_id}" not in keys


def test_intake_records_round_joined_once(community):
    round_ = RoundFactory(community=community)
    participant = RoundParticipant.objects.create(
        round=round_, member=CommunityMemberFactory(community=community)
    )
    for _ in range(2):
        rounds.intake_submit(
            participant=participant,
            answers={"q1": "climate"},
            availability_raw={
                "timezone": "Europe/Berlin",
                "slots": [{"day": 0, "start": "18:00", "end": "19:00"}],
            },
        )
    assert Activity.objects.filter(kind="round_joined").count() == 1


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"timezone": "Mars/Olympus", "slots": [{"day": 0, "start": "18:00", "end": "19:00"}]},
            "not a time zone",
        ),
        ({"timezone": "Europe/Berlin", "slots": []}, "at least one half-hour"),
        (
            {"timezone": "Europe/Berlin", "slots": [{"day": 9, "start": "18:00", "end": "19:00"}]},
            "not a weekday",
        ),
        (
            {"timezone": "Europe/Berlin", "slots": [{"day": 1, "start": "18:10", "end": "19:00"}]},
            "half-hour",
        ),
        (
            {"timezone": "Europe/Berlin", "slots": [{"day": 1, "start": "19:00", "end": "18:00"}]},
            "end after",
        ),
        ("nonsense", "could not be read"),
        (
            {
                "timezone": "Europe/Berlin",
                "slots": [{"day": 1e999, "start": "18:00", "end": "19:00"}],
            },
            "not a weekday",
        ),
    ],
)
def test_bad_availability_is_refused_and_nothing_is_saved(community, raw, message):
    participant = RoundParticipant.objects.create(
        round=RoundFactory(community=community),
        member=CommunityMemberFactory(community=community),
    )
    with pytest.raises(Exception, match=message):
        rounds.intake_submit(participant=participant, answers={"q1": "x"}, availability_raw=raw)
    participant.refresh_from_db()
    assert participant.intake_completed_at is None
    assert participant.answers == {}


@pytest.mark.parametrize("count", [0, 1])
def test_a_round_with_zero_or_one_participant_matches_nobody_and_tells_the_organiser(
    community, admin, count
):
    round_ = RoundFactory(community=community)
    ParticipantFactory.create_batch(count, round=round_)
    matching.round_match(round_id=round_.pk)
    round_.refresh_from_db()
    assert round_.status == Round.Status.MATCHED
    assert Match.objects.count() == 0
    assert "Nobody was matched" in round_.note
    told = OutboundEmail.objects.get(key__startswith="round-matched-admin:")
    assert told.to == admin.email
    assert "Nobody was matched" in " ".join(told.context["paragraphs"])


def test_two_people_get_the_intro_with_an_ics_inside_both_availabilities(community, settings):
    round_ = RoundFactory(community=community)
    berlin = ParticipantFactory(round=round_, answers={"q1": "AI safety and ethics"})
    new_york = ParticipantFactory(
        round=round_,
        answers={"q1": "ethics of AI safety"},
        availability={
            "timezone": "America/New_York",
            "slots": [{"day": d, "start": "12:00", "end": "15:00"} for d in range(5)],
        },
    )
    now = timezone.now()
    matching.round_match(round_id=round_.pk, now=now)
    match = Match.objects.get()
    assert match.starts_at is not None
    for p in (berlin, new_york):
        local = match.starts_at.astimezone(availability.zone(p.availability["timezone"]))
        assert (local.weekday(), local.hour * 2 + local.minute // 30) in availability.cells(
            p.availability
        )
    outbox_flush()
    intros = [m for m in mail.outbox if m.subject.startswith("You've been matched with")]
    assert len(intros) == 2
    to_berlin = next(m for m in intros if m.to == [berlin.member.email])
    assert new_york.member.display_name in to_berlin.subject
    cal = _ics(to_berlin)
    assert str(cal["method"]) == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["uid"]) == match.ics_uid
    assert int(event["sequence"]) == 0
    assert event.decoded("dtstart") == match.starts_at
    attendees = {str(a).removeprefix("mailto:") for a in event.get("attendee")}
    assert attendees == {berlin.member.email, new_york.member.email}
    assert str(event["organizer"]).startswith("mailto:")
    # Matching twice sends nothing twice.
    assert matching.round_match(round_id=round_.pk) is None
    assert Match.objects.count() == 1


def test_odd_count_makes_one_trio(community):
    round_ = RoundFactory(community=community)
    ParticipantFactory.create_batch(5, round=round_)
    matching.round_match(round_id=round_.pk)
    sizes = sorted(m.seats.count() for m in Match.objects.all())
    assert sizes == [2, 3]


def test_everyone_on_each_others_never_pair_list_is_left_out_and_shown(community):
    round_ = RoundFactory(community=community)
    people = ParticipantFactory.create_batch(2, round=round_)
    members.never_pair_add(member=people[0].member, emails=[people[1].member.email], partner_ids=[])
    matching.round_match(round_id=round_.pk)
    round_.refresh_from_db()
    assert Match.objects.count() == 0
    assert {p["member_id"] for p in round_.left_out} == {p.member_id for p in people}
    assert all("never-pair" in p["reason"] for p in round_.left_out)


def test_an_unavoidable_repeat_is_made_logged_and_shown(community):
    last = RoundFactory(community=community, month=datetime.date(2026, 1, 1))
    a, b = ParticipantFactory.create_batch(2, round=last)
    matching.round_match(round_id=last.pk)
    Round.objects.filter(pk=last.pk).update(status=Round.Status.MATCHED)
    this = RoundFactory(community=community, month=datetime.date(2026, 2, 1))
    ParticipantFactory(round=this, member=a.member)
    ParticipantFactory(round=this, member=b.member)
    matching.round_match(round_id=this.pk)
    this.refresh_from_db()
    match = Match.objects.get(round=this)
    assert match.is_repeat
    assert len(this.repeats) == 1
    assert "repeat" in this.note


def test_no_common_time_says_so_and_offers_to_propose_times(community):
    round_ = RoundFactory(community=community)
    ParticipantFactory(round=round_)
    ParticipantFactory(
        round=round_,
        availability={
            "timezone": "Europe/Berlin",
            "slots": [{"day": 6, "start": "06:00", "end": "07:00"}],
        },
    )
    matching.round_match(round_id=round_.pk)
    match = Match.objects.get()
    assert match.starts_at is None
    outbox_flush()
    intro = next(m for m in mail.outbox if m.subject.startswith("You've been matched"))
    assert "couldn't find a time" in intro.body
    assert "mailto:" in intro.body
    assert not intro.attachments


def test_reschedule_bumps_sequence_and_drop_sends_cancel(community):
    round_ = RoundFactory(community=community)
    ParticipantFactory.create_batch(2, round=round_)
    matching.round_match(round_id=round_.pk)
    match = Match.objects.get()
    new_time = timezone.now() + datetime.timedelta(days=3)
    matching.match_reschedule(match=match, starts_at=new_time)
    matching.match_drop(match=match)
    outbox_flush()
    moved = [m for m in mail.outbox if m.subject.startswith("New time")]
    cancelled = [m for m in mail.outbox if m.subject.startswith("Cancelled")]
    assert len(moved) == 2
    assert len(cancelled) == 2
    moved_event = _ics(moved[0]).walk("VEVENT")[0]
    assert int(moved_event["sequence"]) == 1
    assert str(moved_event["uid"]) == match.ics_uid
    cancel_cal = _ics(cancelled[0])
    assert str(cancel_cal["method"]) == "CANCEL"
    assert int(cancel_cal.walk("VEVENT")[0]["sequence"]) == 2


def test_followup_a_week_after_the_call_and_a_yes_records_match_met(community):
    round_ = RoundFactory(community=community)
    ParticipantFactory.create_batch(2, round=round_)
    matching.round_match(round_id=round_.pk)
    match = Match.objects.get()
    assert followup.match_followups_due(now=match.ends_at) == 0
    later = match.ends_at + datetime.timedelta(days=7)
    assert followup.match_followups_due(now=later) == 2
    assert followup.match_followups_due(now=later) == 0
    seat = match.seats.first()
    followup.match_answer(seat=seat, met=True)
    match.refresh_from_db()
    assert match.met == Match.Met.YES
    assert Activity.objects.filter(kind="match_met").count() == 2
    followup.match_answer(seat=seat, met=True)
    assert Activity.objects.filter(kind="match_met").count() == 2


def test_three_unanswered_rounds_in_a_row_pause_a_member_kindly(community):
    ghost = CommunityMemberFactory(community=community)
    now = timezone.now()
    for month in (1, 2, 3):
        round_ = RoundFactory(community=community, month=datetime.date(2025, month, 1))
        ParticipantFactory(round=round_, member=ghost)
        ParticipantFactory(round=round_)
        matching.round_match(round_id=round_.pk, now=now)
        match = Match.objects.get(round=round_)
        Match.objects.filter(pk=match.pk).update(followup_sent_at=now - datetime.timedelta(days=8))
        followup.ghosts_settle(now=now)
    ghost.refresh_from_db()
    assert ghost.status == CommunityMember.Status.PAUSED
    assert ghost.pause_reason == CommunityMember.PauseReason.GHOSTED
    assert OutboundEmail.objects.filter(key__startswith=f"community-paused:{ghost.pk}").exists()
    members.member_resume(member=ghost)
    ghost.refresh_from_db()
    assert ghost.status == CommunityMember.Status.ACTIVE
    assert ghost.missed_rounds == 0


def test_someone_who_joined_mid_round_and_said_yes_is_not_invited_again(community):
    now = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
    round_, _ = rounds.round_open(community=community, month=datetime.date(2026, 3, 1), now=now)
    ParticipantFactory(round=round_)  # joined after opening, intake done
    assert rounds.rounds_open_due(now=now + datetime.timedelta(hours=1)) == 0
    assert not OutboundEmail.objects.filter(key__startswith="round-invite:").exists()
