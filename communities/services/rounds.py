"""Rounds: open and invite (1st of the month), remind, intake, extend, close early."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from communities import availability, intake, links
from communities.errors import CommunityError
from communities.models import Community, CommunityMember, Round, RoundParticipant
from communities.services import mailing
from communities.services.members import members_wake_snoozed

logger = logging.getLogger(__name__)
REMIND_BEFORE = datetime.timedelta(days=3)


def round_times(community: Community, month: datetime.date) -> tuple[datetime.datetime, ...]:
    """(signup deadline, match time) of `month`; a short month clamps both days to its end,
    and the match never comes before the deadline (then it is 09:00 the day after)."""
    deadline = community.deadline_for(month)
    match_at = community.match_at_for(month)
    if match_at <= deadline:
        day_after = (deadline + datetime.timedelta(days=1)).date()
        match_at = datetime.datetime.combine(day_after, datetime.time(9, 0), tzinfo=community.tz)
    return deadline, match_at


def _invite(participant: RoundParticipant, *, now: datetime.datetime) -> bool:
    member, round_ = participant.member, participant.round
    community = member.community
    zone = mailing.member_zone(member)
    kwargs = mailing.email_kwargs(
        key=f"round-invite:{round_.pk}:{member.pk}",
        member=member,
        subject=f"{community.name}: are you in for {round_.month:%B}?",
        context={
            "heading": f"Are you in for {round_.month:%B}?",
            "preheader": "Say yes by answering two questions and picking times.",
            "paragraphs": [
                f"The {round_.month:%B} round of {community.name} is open. Say yes by "
                "telling us what you'd like to talk about and when you're free; we'll match "
                "you with someone who fits and put the call in both your calendars.",
                f"Sign up by {mailing.local_date(round_.signup_deadline, zone)}. "
                f"Matches go out on {mailing.local_date(round_.match_at, zone)}.",
                "Not this month? Just ignore this email: nobody is matched without saying yes.",
            ],
            "action_url": links.round_url(participant),
            "action_label": "I'm in — pick my times",
        },
    )
    return mailing.send(**kwargs)


@transaction.atomic
def round_open(
    *, community: Community, month: datetime.date, now: datetime.datetime | None = None
) -> tuple[Round, int]:
    """Open the round of `month` (idempotent) and invite every active member; return
    (round, invitations queued now). Snoozed members whose date has come are woken first."""
    now = now or timezone.now()
    month = month.replace(day=1)
    Community.objects.for_org(community.org_id).select_for_update().filter(pk=community.pk).first()
    deadline, match_at = round_times(community, month)
    round_, _ = Round.objects.get_or_create(
        community=community,
        month=month,
        defaults={"signup_deadline": deadline, "match_at": match_at, "opened_at": now},
    )
    if round_.status != Round.Status.OPEN or now > round_.signup_deadline:
        return round_, 0
    members_wake_snoozed(community=community, today=timezone.localtime(now, community.tz).date())
    members = (
        CommunityMember.objects.active()
        .filter(community=community)
        .exclude(participations__round=round_)
    )
    RoundParticipant.objects.bulk_create(
        [RoundParticipant(round=round_, member=m) for m in members], ignore_conflicts=True
    )
    sent = 0
    participants = (
        RoundParticipant.objects.filter(
            round=round_, invited_at__isnull=True, member__status=CommunityMember.Status.ACTIVE
        )
        .select_related("member__membership__user__profile", "member__community__org", "round")
        .select_for_update(skip_locked=True, of=("self",))
    )
    invited = []
    for participant in participants:
        # Someone who joined mid-round and already said yes needs no invitation.
        if participant.intake_completed_at is None and _invite(participant, now=now):
            sent += 1
        invited.append(participant.pk)
    RoundParticipant.objects.filter(pk__in=invited).update(invited_at=now)
    return round_, sent


def rounds_open_due(*, now: datetime.datetime) -> int:
    """The `rounds_open` job: open this month's round of every active community whose
    local date is in the month and before the deadline; return invitations queued."""
    total = 0
    for community in Community.objects.active().select_related("org"):
        local = timezone.localtime(now, community.tz).date()
        month = local.replace(day=1)
        deadline, _ = round_times(community, month)
        if now >= deadline:
            continue
        _, sent = round_open(community=community, month=month, now=now)
        total += sent
    return total


def round_reminders_due(*, now: datetime.datetime) -> int:
    """The `round_reminders` job: 3 days before the deadline, remind who has not finished."""
    rounds = Round.objects.filter(
        status=Round.Status.OPEN,
        signup_deadline__gt=now,
        signup_deadline__lte=now + REMIND_BEFORE,
    ).select_related("community__org")
    sent = 0
    for round_ in rounds:
        with transaction.atomic():
            participants = (
                RoundParticipant.objects.filter(
                    round=round_,
                    intake_completed_at__isnull=True,
                    reminded_at__isnull=True,
                    invited_at__isnull=False,
                    member__status=CommunityMember.Status.ACTIVE,
                )
                .select_related("member__membership__user__profile", "member__community__org")
                .select_for_update(skip_locked=True, of=("self",))
            )
            done = []
            for participant in participants:
                participant.round = round_
                member = participant.member
                zone = mailing.member_zone(member)
                kwargs = mailing.email_kwargs(
                    key=f"round-reminder:{round_.pk}:{member.pk}",
                    member=member,
                    subject=f"{round_.community.name}: last days to join the {round_.month:%B} "
                    "round",
                    context={
                        "heading": f"Still up for a {round_.month:%B} match?",
                        "paragraphs": [
                            "Signups close on "
                            f"{mailing.local_date(round_.signup_deadline, zone)}. It takes a "
                            "minute: what you'd like to talk about, and when you're free.",
                        ],
                        "action_url": links.round_url(participant),
                        "action_label": "I'm in — pick my times",
                    },
                )
                if mailing.send(**kwargs):
                    sent += 1
                done.append(participant.pk)
            RoundParticipant.objects.filter(pk__in=done).update(reminded_at=now)
    return sent


@transaction.atomic
def intake_submit(
    *, participant: RoundParticipant, answers: dict, availability_raw: object
) -> RoundParticipant:
    """Save a member's answers and availability for this round (saying yes to it).

    A paused member who says yes is active again. Raises `CommunityError` when the
    round has closed, the member has left, or the availability is unusable (field
    `availability`); nothing is saved then.
    Records a `round_joined` activity the first time.
    """
    participant = (
        RoundParticipant.objects.select_for_update(of=("self",))
        .select_related("round__community", "member__membership")
        .get(pk=participant.pk)
    )
    round_ = participant.round
    if round_.status != Round.Status.OPEN or timezone.now() > round_.signup_deadline:
        raise CommunityError(
            "Signups for this round have closed. You'll be invited to the next one.",
            code="closed",
        )
    member = participant.member
    if member.status == CommunityMember.Status.REMOVED:
        raise CommunityError("You have left this community.", code="removed")
    try:
        cleaned = availability.clean(availability_raw)
    except availability.AvailabilityError as error:
        raise CommunityError(str(error), field="availability") from None
    if member.status == CommunityMember.Status.PAUSED:
        # Saying yes to a round is opting back in (after a snooze or a ghosting pause).
        CommunityMember.objects.filter(pk=member.pk).update(
            status=CommunityMember.Status.ACTIVE,
            pause_reason="",
            paused_until=None,
            missed_rounds=0,
        )
    first_time = participant.intake_completed_at is None
    participant.answers = answers
    participant.availability = cleaned
    participant.intake_completed_at = timezone.now()
    participant.embedding = None  # answers changed: embedded again at matching
    participant.save(update_fields=["answers", "availability", "intake_completed_at", "embedding"])
    if first_time:
        _record_activity(
            participant.member,
            kind="round_joined",
            key=f"round:{round_.pk}",
            metadata={"round_id": round_.pk, "community_id": round_.community_id},
        )
    return participant


def _record_activity(member: CommunityMember, *, kind: str, key: str, metadata: dict) -> None:
    from engagement.services import activity_record

    activity_record(membership=member.membership, kind=kind, metadata=metadata, dedupe_key=key)


def previous_answers(member: CommunityMember, *, before: Round) -> RoundParticipant | None:
    """The member's last completed intake before this round (to prefill the form)."""
    return (
        RoundParticipant.objects.filter(member=member, intake_completed_at__isnull=False)
        .exclude(round=before)
        .order_by("-round__month")
        .first()
    )


@transaction.atomic
def round_extend(*, round_: Round, until: datetime.date) -> Round:
    """Move the signup deadline to the end of `until`; push the match time if needed."""
    round_ = Round.objects.select_for_update().select_related("community").get(pk=round_.pk)
    community = round_.community
    if round_.status not in (Round.Status.OPEN, Round.Status.CLOSED):
        raise CommunityError("This round has been matched already.", code="matched")
    deadline = datetime.datetime.combine(until, datetime.time(23, 59), tzinfo=community.tz)
    if deadline <= timezone.now():
        raise CommunityError("Pick a deadline in the future.", field="until")
    if deadline <= round_.signup_deadline:
        raise CommunityError("The new deadline must be later than the current one.", field="until")
    round_.signup_deadline = deadline
    round_.status = Round.Status.OPEN
    if round_.match_at <= deadline:
        day_after = until + datetime.timedelta(days=1)
        round_.match_at = datetime.datetime.combine(
            day_after, datetime.time(9, 0), tzinfo=community.tz
        )
    round_.save(update_fields=["signup_deadline", "status", "match_at"])
    return round_


@transaction.atomic
def round_close(*, round_: Round) -> Round:
    """Stop signups now; matching still waits for the match time (or the organiser)."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != Round.Status.OPEN:
        raise CommunityError("This round is not open.", code="not_open")
    round_.status = Round.Status.CLOSED
    round_.closed_at = timezone.now()
    round_.save(update_fields=["status", "closed_at"])
    return round_


def intake_for(participant: RoundParticipant) -> list[dict]:
    return intake.clean_questions(participant.round.community.intake_questions)
