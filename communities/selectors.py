"""Reads of communities: `access_*` fetchers (404 for missing and forbidden alike),
the organiser's dashboard figures, and what the public pages show."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from communities.models import Community, CommunityMember, Match, MatchSeat, Round
from orgs.models import Organization


def access_community_as_admin(*, org: Organization, community_id: int) -> Community:
    """Return the org's community (the caller checked that the user is an org admin)."""
    community = Community.objects.for_org(org).filter(pk=community_id).first()
    if community is None:
        raise Http404("No such community.")
    return community


def access_round_as_admin(*, community: Community, round_id: int) -> Round:
    round_ = Round.objects.filter(community=community, pk=round_id).first()
    if round_ is None:
        raise Http404("No such round.")
    round_.community = community
    return round_


def access_match_as_admin(*, community: Community, match_id: int) -> Match:
    match = (
        Match.objects.filter(round__community=community, pk=match_id)
        .select_related("round__community")
        .first()
    )
    if match is None:
        raise Http404("No such match.")
    return match


def public_community(*, slug: str) -> Community:
    """An active community by its public slug, else 404."""
    community = Community.objects.select_related("org").filter(slug=slug, active=True).first()
    if community is None:
        raise Http404("No such community.")
    return community


def community_list(*, org: Organization) -> QuerySet[Community]:
    return (
        Community.objects.for_org(org)
        .annotate(
            active_count=Count("members", filter=Q(members__status="active"), distinct=True),
            round_count=Count("rounds", distinct=True),
        )
        .order_by("-active", "name")
    )


@dataclass
class Metrics:
    members: int
    active: int
    rounds: int
    matched_people: int
    signed_up: int
    match_rate: float | None  # matched / signed up, over matched rounds
    met_rate: float | None  # met / matches with an answer
    repeat_rate: float | None
    avg_similarity: float | None


def community_metrics(*, community: Community) -> Metrics:
    members = CommunityMember.objects.filter(community=community)
    counts = members.aggregate(total=Count("pk"), active=Count("pk", filter=Q(status="active")))
    matched_rounds = Round.objects.filter(community=community, status=Round.Status.MATCHED)
    signed_up = (
        matched_rounds.aggregate(
            n=Count("participants", filter=Q(participants__intake_completed_at__isnull=False))
        )["n"]
        or 0
    )
    seats = MatchSeat.objects.filter(
        match__round__community=community, match__status=Match.Status.ACTIVE
    ).count()
    matches = Match.objects.filter(round__community=community, status=Match.Status.ACTIVE)
    agg = matches.aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=~Q(met=Match.Met.UNKNOWN)),
        met=Count("pk", filter=Q(met=Match.Met.YES)),
        repeats=Count("pk", filter=Q(is_repeat=True)),
    )
    from django.db.models import Avg

    avg = matches.aggregate(avg=Avg("similarity"))["avg"]
    return Metrics(
        members=counts["total"],
        active=counts["active"],
        rounds=Round.objects.filter(community=community).count(),
        matched_people=seats,
        signed_up=signed_up,
        match_rate=seats / signed_up if signed_up else None,
        met_rate=agg["met"] / agg["answered"] if agg["answered"] else None,
        repeat_rate=agg["repeats"] / agg["total"] if agg["total"] else None,
        avg_similarity=avg,
    )


def rounds_with_participation(*, community: Community) -> list[Round]:
    """Rounds, newest first, each with `invited`, `signed_up`, `match_count`, `met_count`."""
    return list(
        Round.objects.filter(community=community)
        .annotate(
            invited=Count("participants", distinct=True),
            signed_up=Count(
                "participants",
                filter=Q(participants__intake_completed_at__isnull=False),
                distinct=True,
            ),
            match_count=Count(
                "matches", filter=Q(matches__status=Match.Status.ACTIVE), distinct=True
            ),
            met_count=Count("matches", filter=Q(matches__met=Match.Met.YES), distinct=True),
        )
        .order_by("-month")
    )


def member_rows(*, community: Community) -> QuerySet[CommunityMember]:
    """Members with `rounds_taken`, `met_count` and `answered_count` for the dashboard."""
    return (
        CommunityMember.objects.filter(community=community)
        .select_related("membership__user")
        .annotate(
            rounds_taken=Count(
                "participations",
                filter=Q(participations__intake_completed_at__isnull=False),
                distinct=True,
            ),
            matched_count=Count("participations__seats", distinct=True),
            met_count=Count(
                "participations__seats",
                filter=Q(participations__seats__match__met=Match.Met.YES),
                distinct=True,
            ),
        )
        .order_by("status", "-joined_at")
    )


def round_matches(*, round_: Round) -> list[Match]:
    return list(
        Match.objects.filter(round=round_)
        .prefetch_related("seats__participant__member__membership__user")
        .order_by("-similarity")
    )


def past_partners(*, member: CommunityMember) -> list[CommunityMember]:
    """People `member` was matched with (for the never-pair picker), newest first."""
    match_ids = MatchSeat.objects.filter(participant__member=member).values("match_id")
    seen: dict[int, CommunityMember] = {}
    for seat in (
        MatchSeat.objects.filter(match_id__in=match_ids)
        .exclude(participant__member=member)
        .select_related("participant__member__membership__user")
        .order_by("-match__round__month")
    ):
        seen.setdefault(seat.participant.member_id, seat.participant.member)
    return list(seen.values())
