"""After the call: "Did you meet?", the `match_met` activity, and pausing ghosts."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from communities import links
from communities.errors import CommunityError
from communities.models import CommunityMember, Match, MatchSeat
from communities.services import mailing
from communities.services.members import member_pause

FOLLOWUP_AFTER = datetime.timedelta(days=7)
# A match without a booked slot is asked about this long after matching.
FOLLOWUP_AFTER_UNSCHEDULED = datetime.timedelta(days=14)
# Unanswered follow-ups count as a miss this long after they were sent.
SETTLE_AFTER = datetime.timedelta(days=7)
GHOST_LIMIT = 3


def _followup_email(seat: MatchSeat) -> bool:
    member = seat.participant.member
    others = " and ".join(
        s.participant.member.display_name for s in seat.match.seats.all() if s.pk != seat.pk
    )
    kwargs = mailing.email_kwargs(
        key=f"match-followup:{seat.match_id}:{seat.pk}",
        member=member,
        subject=f"Did you meet {others}?",
        context={
            "heading": f"Did you meet {others}?",
            "paragraphs": [
                "One tap tells us. It helps us make better matches, and the organisers see "
                "how the community is doing (never what you talked about).",
            ],
            "action_url": links.met_url(seat),
            "action_label": "Answer (one tap)",
        },
    )
    return mailing.send(**kwargs)


def match_followups_due(*, now: datetime.datetime) -> int:
    """The `match_followup` job: ask "Did you meet?" a week after the call; then settle
    unanswered matches and pause members who missed 3 rounds in a row. Return emails queued."""
    sent = 0
    with transaction.atomic():
        due = (
            Match.objects.filter(
                status=Match.Status.ACTIVE, followup_sent_at__isnull=True, met=Match.Met.UNKNOWN
            )
            .filter(
                Q(ends_at__lte=now - FOLLOWUP_AFTER)
                | Q(starts_at__isnull=True, round__matched_at__lte=now - FOLLOWUP_AFTER_UNSCHEDULED)
            )
            .select_for_update(skip_locked=True)
        )
        for match in due:
            for seat in match.seats.select_related(
                "participant__member__membership__user", "participant__member__community__org"
            ):
                if seat.met == Match.Met.UNKNOWN and _followup_email(seat):
                    sent += 1
            match.followup_sent_at = now
            match.save(update_fields=["followup_sent_at"])
    ghosts_settle(now=now)
    return sent


@transaction.atomic
def match_answer(*, seat: MatchSeat, met: bool) -> Match:
    """Record one person's answer to "Did you meet?" (they may change it).

    A yes makes the match `met` and records a `match_met` activity for everyone
    in it (once per match); all answers no make it `no`. Raises `CommunityError`
    when the match was dropped.
    """
    seat = MatchSeat.objects.select_for_update().select_related("match").get(pk=seat.pk)
    match = Match.objects.select_for_update().get(pk=seat.match_id)
    if match.status != Match.Status.ACTIVE:
        raise CommunityError("This match was cancelled by the organisers.", code="dropped")
    seat.met = Match.Met.YES if met else Match.Met.NO
    seat.answered_at = timezone.now()
    seat.save(update_fields=["met", "answered_at"])
    answers = list(match.seats.values_list("met", flat=True))
    if Match.Met.YES in answers:
        match.met = Match.Met.YES
    elif all(a == Match.Met.NO for a in answers):
        match.met = Match.Met.NO
    else:
        match.met = Match.Met.UNKNOWN
    match.save(update_fields=["met"])
    CommunityMember.objects.filter(pk=seat.participant.member_id).update(missed_rounds=0)
    if match.met == Match.Met.YES:
        from engagement.services import activity_record

        for other in match.seats.select_related("participant__member__membership"):
            activity_record(
                membership=other.participant.member.membership,
                kind="match_met",
                # They may have met earlier than booked: never record a meeting in the future.
                occurred_at=min(match.starts_at, timezone.now()) if match.starts_at else None,
                metadata={"match_id": match.pk, "round_id": match.round_id},
                dedupe_key=f"match:{match.pk}",
            )
    return match


def ghosts_settle(*, now: datetime.datetime) -> int:
    """Count a miss for everyone who did not answer a settled follow-up; pause at 3.

    A match settles `SETTLE_AFTER` its follow-up. A member who answered (yes or no)
    or whose partner said yes is not a ghost. Return how many members were paused.
    """
    paused = 0
    with transaction.atomic():
        matches = Match.objects.filter(
            followup_sent_at__lte=now - SETTLE_AFTER, settled_at__isnull=True
        ).select_for_update(skip_locked=True)
        for match in matches:
            for seat in match.seats.all():
                if seat.met != Match.Met.UNKNOWN or match.met == Match.Met.YES:
                    continue
                CommunityMember.objects.filter(pk=seat.participant.member_id).update(
                    missed_rounds=F("missed_rounds") + 1
                )
            match.settled_at = now
            match.save(update_fields=["settled_at"])
        ghosts = CommunityMember.objects.filter(
            status=CommunityMember.Status.ACTIVE, missed_rounds__gte=GHOST_LIMIT
        ).select_related("community__org", "membership__user")
        for member in ghosts:
            member_pause(member=member, reason=CommunityMember.PauseReason.GHOSTED)
            _tell_paused(member)
            paused += 1
    return paused


def _tell_paused(member: CommunityMember) -> None:
    kwargs = mailing.email_kwargs(
        key=f"community-paused:{member.pk}:{timezone.now().date().isoformat()}",
        member=member,
        subject=f"We've paused your {member.community.name} matches",
        marketing=False,
        context={
            "heading": "We've paused your matches for now",
            "paragraphs": [
                "We haven't heard back after your last three matches, so we won't match you "
                "again until you say so. No hard feelings — life gets busy.",
                "Whenever you'd like to meet people again, one click brings you back.",
            ],
            "action_url": links.member_url(member),
            "action_label": "Match me again",
        },
    )
    mailing.send(**kwargs)
