"""The `matching` job: embed, match, book a slot, send the introductions with invites.

Order of work for one round (`round_match`):

1. Outside any transaction: embed the intakes that have no vector yet (the
   embeddings backend may be a remote API).
2. In one transaction, with the round row locked (`skip_locked`: a second
   worker skips it): read every vector once, run `communities.matching.match`,
   write the matches, their slots and the round's figures, queue the emails
   (the outbox key makes a retry send nothing twice), and tell the org admins.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from itertools import combinations

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from astn.core import embeddings
from communities import availability, ics, intake, links, matching
from communities.models import (
    Community,
    CommunityMember,
    Match,
    MatchSeat,
    Round,
    RoundParticipant,
)
from communities.services import mailing
from orgs.models import Membership

logger = logging.getLogger(__name__)


def _profile_interests(participant: RoundParticipant) -> str:
    user = participant.member.membership.user
    profile = getattr(user, "profile", None) if user is not None else None
    if profile is None:
        return ""
    return " ".join([profile.interests or "", ", ".join(profile.skills or [])]).strip()


def embed_missing(*, round_: Round) -> int:
    """Embed completed intakes without a vector (or from another backend); return how many.

    Call outside a transaction: the backend may call a remote API.
    """
    backend = embeddings.backend_name()
    questions = intake.clean_questions(round_.community.intake_questions)
    todo = [
        p
        for p in RoundParticipant.objects.filter(
            round=round_, intake_completed_at__isnull=False
        ).select_related("member__membership__user__profile")
        if p.embedding is None or p.embedding_backend != backend
    ]
    if not todo:
        return 0
    texts = [
        intake.answers_text(questions, p.answers, interests=_profile_interests(p)) for p in todo
    ]
    vectors = embeddings.embed_texts(texts)
    for participant, vector in zip(todo, vectors, strict=True):
        participant.embedding = vector
        participant.embedding_backend = backend
    RoundParticipant.objects.bulk_update(todo, ["embedding", "embedding_backend"])
    return len(todo)


def _recent_pairs(round_: Round, member_index: dict[int, int]) -> np.ndarray:
    """Index pairs of people matched together in the community's last N rounds."""
    community = round_.community
    if community.no_repeat_rounds == 0:
        return np.zeros((0, 2), dtype=np.int64)
    recent = list(
        Round.objects.filter(community=community, month__lt=round_.month)
        .order_by("-month")
        .values_list("pk", flat=True)[: community.no_repeat_rounds]
    )
    groups: dict[int, list[int]] = {}
    seats = MatchSeat.objects.filter(
        match__round_id__in=recent, match__status=Match.Status.ACTIVE
    ).values_list("match_id", "participant__member_id")
    for match_id, member_id in seats:
        if member_id in member_index:
            groups.setdefault(match_id, []).append(member_index[member_id])
    pairs = [pair for members in groups.values() for pair in combinations(sorted(members), 2)]
    return np.asarray(pairs, dtype=np.int64).reshape(-1, 2)


def _never_pairs(member_index: dict[int, int]) -> np.ndarray:
    through = CommunityMember.never_pair.through
    rows = through.objects.filter(
        from_communitymember_id__in=list(member_index),
        to_communitymember_id__in=list(member_index),
    ).values_list("from_communitymember_id", "to_communitymember_id")
    pairs = [(member_index[a], member_index[b]) for a, b in rows]
    return np.asarray(pairs, dtype=np.int64).reshape(-1, 2)


def _next_monday(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7 or 7)


def rounds_match_due(*, now: datetime.datetime) -> int:
    """The `matching` job: match every open or closed round whose match time has come."""
    due = Round.objects.filter(
        status__in=[Round.Status.OPEN, Round.Status.CLOSED], match_at__lte=now
    ).values_list("pk", flat=True)
    done = 0
    for round_id in list(due):
        if round_match(round_id=round_id, now=now) is not None:
            done += 1
    return done


def round_match(*, round_id: int, now: datetime.datetime | None = None) -> Round | None:
    """Match round `round_id` now; return it, or None if it is matched or being matched.

    Side effects: Match rows with booked slots, the round's figures, introduction
    emails with ICS invites to everyone matched, a summary email to the org admins.
    """
    now = now or timezone.now()
    round_ = Round.objects.select_related("community__org").filter(pk=round_id).first()
    if round_ is None or round_.status == Round.Status.MATCHED:
        return None
    embed_missing(round_=round_)
    with transaction.atomic():
        locked = (
            Round.objects.select_for_update(skip_locked=True)
            .filter(pk=round_id, status__in=[Round.Status.OPEN, Round.Status.CLOSED])
            .first()
        )
        if locked is None:
            return None
        locked.community = round_.community
        _match_locked(locked, now=now)
    return locked


def _match_locked(round_: Round, *, now: datetime.datetime) -> None:
    community = round_.community
    participants = list(
        RoundParticipant.objects.filter(
            round=round_,
            intake_completed_at__isnull=False,
            member__status=CommunityMember.Status.ACTIVE,
        )
        .select_related("member__membership__user__profile")
        .order_by("pk")
    )
    member_index = {p.member_id: i for i, p in enumerate(participants)}
    n = len(participants)
    vectors = np.zeros((n, embeddings.EMBEDDING_DIM), dtype=np.float32)
    for i, p in enumerate(participants):
        if p.embedding is not None:
            vectors[i] = np.asarray(p.embedding, dtype=np.float32)
    week_of = _next_monday(timezone.localtime(now, community.tz).date())
    masks = (
        np.stack(
            [
                availability.start_mask(
                    p.availability, call_minutes=community.call_minutes, week_of=week_of
                )
                for p in participants
            ]
        )
        if participants
        else None
    )
    result = matching.match(
        vectors,
        forbidden=_never_pairs(member_index),
        repeats=_recent_pairs(round_, member_index),
        start_masks=masks,
    )
    questions = intake.clean_questions(community.intake_questions)
    created: list[Match] = []
    repeat_keys = {frozenset(pair) for pair in result.repeats}
    for group in result.groups:
        people = [participants[i] for i in group]
        sims = [float(vectors[a] @ vectors[b]) for a, b in combinations(group, 2)]
        slot = availability.first_common_slot(
            [p.availability for p in people], call_minutes=community.call_minutes, after=now
        )
        match = Match.objects.create(
            round=round_,
            similarity=round(float(np.mean(sims)), 4) if sims else 0.0,
            common_interests=intake.common_interests(questions, [p.answers for p in people]),
            starts_at=slot,
            ends_at=slot + datetime.timedelta(minutes=community.call_minutes) if slot else None,
            has_overlap=slot is not None,
            is_repeat=any(frozenset(pair) in repeat_keys for pair in combinations(group, 2)),
            ics_uid=f"match-{uuid.uuid4().hex}@{settings.SITE_URL.split('://')[-1].split('/')[0]}",
            notified_at=now,
        )
        MatchSeat.objects.bulk_create([MatchSeat(match=match, participant=p) for p in people])
        created.append(match)
    round_.status = Round.Status.MATCHED
    round_.matched_at = now
    round_.objective = result.objective
    round_.method = result.method[:200]
    round_.duration_ms = round(result.seconds * 1000, 2)
    round_.left_out = [
        {
            "member_id": participants[i].member_id,
            "name": participants[i].member.display_name,
            "reason": reason,
        }
        for i, reason in result.left_out.items()
    ]
    round_.repeats = [
        [participants[a].member.display_name, participants[b].member.display_name]
        for a, b in result.repeats
    ]
    if n < 2:
        round_.note = "Nobody was matched: " + (
            "nobody signed up." if n == 0 else "only one person signed up."
        )
    elif round_.repeats:
        round_.note = (
            f"{len(round_.repeats)} repeat pair(s) could not be avoided (everyone else was "
            "on a never-pair list or already matched recently)."
        )
    round_.save(
        update_fields=[
            "status",
            "matched_at",
            "objective",
            "method",
            "duration_ms",
            "left_out",
            "repeats",
            "note",
        ]
    )
    if result.repeats:
        logger.warning("round %s: %s unavoidable repeat pair(s)", round_.pk, len(result.repeats))
    for match in created:
        match_notify(match=match, kind="request")
    for i in result.left_out:
        _tell_left_out(participants[i], round_)
    _tell_admins(round_, matches=len(created), participants=n)


def _seats(match: Match) -> list[MatchSeat]:
    return list(
        match.seats.select_related(
            "participant__member__membership__user__profile",
            "participant__member__community__org",
        )
    )


def match_notify(*, match: Match, kind: str) -> int:
    """Queue the match email to everyone in it: `request` (introduction), `update`
    (rescheduled) or `cancel` (dropped); each with its ICS. Return how many were new."""
    seats = _seats(match)
    community = seats[0].participant.member.community if seats else None
    if community is None:
        return 0
    sent = 0
    names = [(s.participant.member.email, s.participant.member.display_name) for s in seats]
    summary = " & ".join(name for _, name in names)
    attachment = []
    if match.starts_at and match.ends_at:
        calendar = ics.invite(
            uid=match.ics_uid,
            sequence=match.ics_sequence,
            starts_at=match.starts_at,
            ends_at=match.ends_at,
            summary=f"{community.name}: {summary}",
            description=f"Your {community.name} 1:1. Talk about: "
            f"{match.common_interests or 'whatever you like'}.",
            organizer_name=community.name,
            attendees=names,
            cancel=kind == "cancel",
        )
        method = "CANCEL" if kind == "cancel" else "REQUEST"
        attachment = [
            {
                "filename": "invite.ics",
                "content": calendar,
                "mimetype": f"text/calendar; method={method}",
            }
        ]
    for seat in seats:
        member = seat.participant.member
        others = [s.participant for s in seats if s.pk != seat.pk]
        zone = mailing.member_zone(member, seat.participant)
        other_names = " and ".join(o.member.display_name for o in others)
        partners = []
        for other in others:
            user = other.member.membership.user
            profile = getattr(user, "profile", None) if user is not None else None
            other_zone = mailing.member_zone(other.member, other)
            partners.append(
                {
                    "name": other.member.display_name,
                    "headline": getattr(profile, "headline", "") or "",
                    "email": other.member.email,
                    # Only worth saying when it differs from the recipient's own zone.
                    "their_time": mailing.local_when(
                        match.starts_at, other_zone, minutes=community.call_minutes
                    )
                    if match.starts_at and other_zone != zone
                    else "",
                }
            )
        if kind == "cancel":
            subject = f"Cancelled: your {community.name} call with {other_names}"
        elif kind == "update":
            subject = f"New time: your {community.name} call with {other_names}"
        else:
            subject = f"You've been matched with {other_names}"
        kwargs = mailing.email_kwargs(
            key=f"match-{kind}:{match.pk}:{match.ics_sequence}:{seat.pk}",
            member=member,
            subject=subject,
            template="communities/email/match",
            marketing=False,
            attachments=attachment,
            context={
                "kind": kind,
                "heading": subject,
                "community_name": community.name,
                "partners": partners,
                "common_interests": match.common_interests,
                "when": mailing.local_when(match.starts_at, zone, minutes=community.call_minutes)
                if match.starts_at
                else "",
                "is_repeat": match.is_repeat,
                "propose_mailto": "mailto:"
                + ",".join(o.member.email for o in others)
                + f"?subject={community.name}%3A%20when%20can%20we%20talk%3F",
                "settings_url": links.member_url(member),
            },
        )
        if mailing.send(**kwargs):
            sent += 1
    return sent


def _tell_left_out(participant: RoundParticipant, round_: Round) -> None:
    member = participant.member
    kwargs = mailing.email_kwargs(
        key=f"round-left-out:{round_.pk}:{member.pk}",
        member=member,
        subject=f"{round_.community.name}: no match for you in {round_.month:%B}",
        marketing=False,
        context={
            "heading": "No match this time — sorry",
            "paragraphs": [
                f"We couldn't find a partner for you in the {round_.month:%B} round of "
                f"{round_.community.name}. You'll be first in line next month.",
            ],
        },
    )
    mailing.send(**kwargs)


def _tell_admins(round_: Round, *, matches: int, participants: int) -> None:
    from astn.notifications import services as notify

    community: Community = round_.community
    admins = Membership.objects.admins().filter(org=community.org).select_related("user")
    summary = round_.note or f"{participants} people took part; {matches} matches were made."
    url = links.absolute_url_for_admin_round(round_)
    for admin in admins:
        if admin.user is None:
            continue
        notify.email_enqueue(
            key=f"round-matched-admin:{round_.pk}:{admin.pk}",
            to=admin.user.email,
            user=admin.user,
            subject=f"{community.name}: {round_.month:%B} matching done",
            template=mailing.MESSAGE_TEMPLATE,
            context={
                "org_name": community.org.name,
                "heading": f"{round_.month:%B} matching is done",
                "paragraphs": [
                    summary,
                    f"Left out: {len(round_.left_out)}. Unavoidable repeats: "
                    f"{len(round_.repeats)}.",
                ],
                "action_url": url,
                "action_label": "See the round",
                "reason": f"You get this because you are an admin of {community.org.name}.",
            },
        )


@transaction.atomic
def match_reschedule(*, match: Match, starts_at: datetime.datetime) -> Match:
    """Move a match to `starts_at` (organiser); bump SEQUENCE and send the updated invite."""
    from communities.errors import CommunityError

    match = Match.objects.select_for_update().select_related("round__community").get(pk=match.pk)
    if match.status != Match.Status.ACTIVE:
        raise CommunityError("This match was dropped.", code="dropped")
    if starts_at <= timezone.now():
        raise CommunityError("Pick a time in the future.", field="starts_at")
    match.starts_at = starts_at
    match.ends_at = starts_at + datetime.timedelta(minutes=match.round.community.call_minutes)
    match.ics_sequence += 1
    match.has_overlap = True
    match.save(update_fields=["starts_at", "ends_at", "ics_sequence", "has_overlap"])
    match_notify(match=match, kind="update")
    return match


@transaction.atomic
def match_drop(*, match: Match) -> Match:
    """Drop a match (organiser): bump SEQUENCE, send METHOD:CANCEL. Idempotent."""
    match = Match.objects.select_for_update().get(pk=match.pk)
    if match.status == Match.Status.DROPPED:
        return match
    match.status = Match.Status.DROPPED
    match.ics_sequence += 1
    match.save(update_fields=["status", "ics_sequence"])
    match_notify(match=match, kind="cancel")
    return match
