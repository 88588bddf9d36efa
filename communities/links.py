"""Signed-link purposes of communities (registered in `CommunitiesConfig.ready()`).

- `community-join` (3 days): community id, email, name, phone; /join/<slug>/confirm/<token>/
- `community-round` (60 days): participant id, round id; /c/<slug>/rounds/<yyyy-mm>/?t=
- `community-member` (1 year): member id; /c/<slug>/me/?t= and one-click unsubscribe
- `community-met` (30 days): match seat id; /c/<slug>/met/<token>/

Every page re-checks the payload against the database (the member still in
the community, the participant in *this* round, ...).
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from astn.notifications import links

JOIN = "community-join"
ROUND = "community-round"
MEMBER = "community-member"
MET = "community-met"

PURPOSES = {
    JOIN: timedelta(days=3),
    ROUND: timedelta(days=60),
    MEMBER: timedelta(days=365),
    MET: timedelta(days=30),
}


def register() -> None:
    for purpose, max_age in PURPOSES.items():
        links.register_purpose(purpose, max_age=max_age)


def join_confirm_url(community, *, email: str, name: str, phone: str) -> str:
    token = links.make_token(JOIN, {"c": community.pk, "e": email, "n": name, "p": phone})
    path = reverse("communities:join-confirm", kwargs={"slug": community.slug, "token": token})
    return links.absolute_url(path)


def round_path(participant) -> str:
    """The round page with the participant's token (for links on our own pages)."""
    round_ = participant.round
    token = links.make_token(ROUND, {"p": participant.pk, "r": round_.pk})
    path = reverse(
        "communities:round",
        kwargs={"slug": round_.community.slug, "month": round_.slug},
    )
    return f"{path}?t={token}"


def round_url(participant) -> str:
    """`round_path` as an absolute URL, for emails."""
    return links.absolute_url(round_path(participant))


def member_token(member) -> str:
    return links.make_token(MEMBER, {"m": member.pk, "c": member.community_id})


def member_path(member) -> str:
    path = reverse("communities:member-settings", kwargs={"slug": member.community.slug})
    return f"{path}?t={member_token(member)}"


def member_url(member) -> str:
    return links.absolute_url(member_path(member))


def unsubscribe_url(member) -> str:
    path = reverse(
        "communities:unsubscribe",
        kwargs={"slug": member.community.slug, "token": member_token(member)},
    )
    return links.absolute_url(path)


def met_url(seat) -> str:
    community = seat.match.round.community
    token = links.make_token(MET, {"s": seat.pk, "m": seat.match_id})
    path = reverse("communities:met", kwargs={"slug": community.slug, "token": token})
    return links.absolute_url(path)


def absolute_url_for_admin_round(round_) -> str:
    path = reverse(
        "communities:admin-round",
        kwargs={
            "slug": round_.community.org.slug,
            "community_id": round_.community_id,
            "round_id": round_.pk,
        },
    )
    return links.absolute_url(path)
