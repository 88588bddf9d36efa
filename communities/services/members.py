"""Joining a community (double opt-in), snoozing, leaving, never-pair lists."""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from astn.accounts.models import User, normalize_email
from communities import links
from communities.errors import CommunityError
from communities.models import Community, CommunityMember, Round, RoundParticipant
from communities.services import mailing
from orgs.models import Membership
from orgs.services import OrgsError, membership_contact_add, membership_join


def _clean_identity(*, email: str, name: str, phone: str) -> tuple[str, str, str]:
    email = normalize_email(email or "")
    try:
        validate_email(email)
    except ValidationError:
        raise CommunityError("Please enter a valid email address.", field="email") from None
    name = " ".join((name or "").split())[:150]
    if not name:
        raise CommunityError("Please tell us your name.", field="name")
    phone = " ".join((phone or "").split())[:40]
    if phone and not all(c.isdigit() or c in "+-() ." for c in phone):
        raise CommunityError("A phone number has digits, spaces and + - ( ) only.", field="phone")
    return email, name, phone


def community_join_request(*, community: Community, email: str, name: str, phone: str = "") -> None:
    """Email `email` a link that confirms the join (double opt-in). Returns nothing on purpose.

    The answer never says whether the address is known: someone already in the
    community gets an email saying so (with their settings link) instead of a
    confirmation. At most one such email per address per community per day.
    Raises `CommunityError` only for malformed input or an inactive community.
    """
    if not community.active:
        raise CommunityError("This community is not taking new members right now.")
    email, name, phone = _clean_identity(email=email, name=name, phone=phone)
    digest = hashlib.sha256(email.encode()).hexdigest()[:16]
    day = timezone.now().date().isoformat()
    existing = (
        CommunityMember.objects.filter(
            community=community, membership__email__iexact=email, status__in=["active", "paused"]
        )
        .select_related("membership__user", "community__org")
        .first()
    )
    context = {"community_name": community.name}
    if existing is not None:
        kwargs = mailing.email_kwargs(
            key=f"community-join:{community.pk}:{digest}:{day}",
            member=existing,
            subject=f"You're already in {community.name}",
            marketing=False,
            context={
                **context,
                "heading": f"You're already in {community.name}",
                "paragraphs": [
                    "Someone (probably you) asked to join again with this address. "
                    "Nothing has changed: you are in, and you'll be invited to the next round.",
                ],
                "action_url": links.member_url(existing),
                "action_label": "Your community settings",
            },
        )
        mailing.send(**kwargs)
        return
    from astn.notifications import services as notify

    notify.email_enqueue(
        key=f"community-join:{community.pk}:{digest}:{day}",
        to=email,
        subject=f"Confirm that you want to join {community.name}",
        template=mailing.MESSAGE_TEMPLATE,
        context={
            "org_name": community.org.name,
            "heading": f"Confirm to join {community.name}",
            "paragraphs": [
                f"Hi {name.split()[0]}, someone (hopefully you) asked to join {community.name}: "
                "once a month you get matched with another member for a 1:1 call.",
                "If that was you, confirm below. If not, ignore this email and nothing happens.",
            ],
            "action_url": links.join_confirm_url(community, email=email, name=name, phone=phone),
            "action_label": "Yes, I want to join",
            "reason": "You get this because this address was entered on the community's join page.",
        },
    )


def _membership_for_join(*, community: Community, email: str, name: str, user: User | None):
    """Find or create the org Membership for a community join (source `community`)."""
    org = community.org
    if user is not None:
        membership = Membership.objects.filter(org=org, user=user).first()
        if membership is None or membership.status == Membership.Status.LEFT:
            try:
                return membership_join(org=org, user=user, source=Membership.Source.COMMUNITY)
            except OrgsError as error:
                raise CommunityError(str(error), code=error.code) from None
        return membership
    membership = Membership.objects.filter(org=org, email__iexact=email).first()
    if membership is not None:
        return membership
    try:
        return membership_contact_add(
            org=org, email=email, name=name, source=Membership.Source.COMMUNITY
        )
    except OrgsError:
        membership = Membership.objects.filter(org=org, email__iexact=email).first()
        if membership is None:
            raise
        return membership


@transaction.atomic
def community_join(
    *,
    community: Community,
    email: str = "",
    name: str = "",
    phone: str = "",
    user: User | None = None,
) -> tuple[CommunityMember, bool]:
    """Put a person in the community; return (member, created).

    Called with the payload of a confirmed join link, or with `user` (a signed-in
    person joining in one click). The org Membership is theirs if they have one,
    else a new one with source `community` (status `contact` without an account).
    Joining twice changes nothing; someone who left comes back active. If a round
    is open, they are added to it at once.
    """
    if not community.active:
        raise CommunityError("This community is not taking new members right now.")
    if user is not None:
        email, name = normalize_email(user.email), user.name or name
    email, name, phone = _clean_identity(email=email, name=name or email, phone=phone)
    Community.objects.for_org(community.org_id).select_for_update().filter(pk=community.pk).first()
    membership = _membership_for_join(community=community, email=email, name=name, user=user)
    member, created = CommunityMember.objects.get_or_create(
        community=community, membership=membership, defaults={"phone": phone}
    )
    if not created and member.status == CommunityMember.Status.REMOVED:
        member.status = CommunityMember.Status.ACTIVE
        member.pause_reason = ""
        member.left_at = None
        member.missed_rounds = 0
        member.save(update_fields=["status", "pause_reason", "left_at", "missed_rounds"])
        created = True
    if phone and member.phone != phone:
        member.phone = phone
        member.save(update_fields=["phone"])
    open_round = Round.objects.filter(
        community=community, status=Round.Status.OPEN, signup_deadline__gt=timezone.now()
    ).first()
    if open_round is not None and member.status == CommunityMember.Status.ACTIVE:
        RoundParticipant.objects.get_or_create(round=open_round, member=member)
    return member, created


@transaction.atomic
def member_snooze(
    *, member: CommunityMember, until: datetime.date, now: datetime.datetime | None = None
) -> CommunityMember:
    """Skip rounds until `until` (a date in the future, at most a year away).

    Days are the community's, as when rounds open and wake snoozed members.
    """
    today = timezone.localtime(now or timezone.now(), member.community.tz).date()
    if until <= today:
        raise CommunityError("Pick a date in the future.", field="until")
    if until > today + datetime.timedelta(days=366):
        raise CommunityError("Snooze for at most a year.", field="until")
    member = CommunityMember.objects.select_for_update().get(pk=member.pk)
    if member.status == CommunityMember.Status.REMOVED:
        raise CommunityError("You have left this community.", code="removed")
    member.status = CommunityMember.Status.PAUSED
    member.pause_reason = CommunityMember.PauseReason.SNOOZED
    member.paused_until = until
    member.save(update_fields=["status", "pause_reason", "paused_until"])
    return member


@transaction.atomic
def member_pause(*, member: CommunityMember, reason: str) -> CommunityMember:
    """Pause without an end date (ghosting, one-click unsubscribe). Idempotent."""
    member = CommunityMember.objects.select_for_update().get(pk=member.pk)
    if member.status == CommunityMember.Status.ACTIVE:
        member.status = CommunityMember.Status.PAUSED
        member.pause_reason = reason
        member.paused_until = None
        member.save(update_fields=["status", "pause_reason", "paused_until"])
    return member


@transaction.atomic
def member_resume(*, member: CommunityMember) -> CommunityMember:
    """Opt back in after a snooze, a pause or leaving."""
    member = CommunityMember.objects.select_for_update().get(pk=member.pk)
    member.status = CommunityMember.Status.ACTIVE
    member.pause_reason = ""
    member.paused_until = None
    member.missed_rounds = 0
    member.left_at = None
    member.save(
        update_fields=["status", "pause_reason", "paused_until", "missed_rounds", "left_at"]
    )
    return member


@transaction.atomic
def member_leave(*, member: CommunityMember) -> CommunityMember:
    """Leave the community: no more invitations; past matches stay. The org membership stays."""
    member = CommunityMember.objects.select_for_update().get(pk=member.pk)
    member.status = CommunityMember.Status.REMOVED
    member.left_at = timezone.now()
    member.save(update_fields=["status", "left_at"])
    RoundParticipant.objects.filter(
        member=member, round__status=Round.Status.OPEN, seats__isnull=True
    ).delete()
    return member


@transaction.atomic
def never_pair_add(*, member: CommunityMember, emails: list[str], partner_ids: list[int]) -> int:
    """Add people to `member`'s confidential never-pair list; return how many were added.

    People are named by email address or by the id of a past partner. An address
    that is not in the community is ignored silently (the list must not reveal
    who is a member).
    """
    wanted = {normalize_email(e) for e in emails if e.strip()}
    others = CommunityMember.objects.filter(community=member.community).exclude(pk=member.pk)
    found = list(others.filter(membership__email__in=wanted)) if wanted else []
    if partner_ids:
        found += list(others.filter(pk__in=partner_ids))
    before = member.never_pair.count()
    member.never_pair.add(*found)
    return member.never_pair.count() - before


@transaction.atomic
def never_pair_remove(*, member: CommunityMember, other_id: int) -> None:
    member.never_pair.remove(*CommunityMember.objects.filter(pk=other_id))


@transaction.atomic
def members_wake_snoozed(*, community: Community, today: datetime.date) -> int:
    """Make snoozed members whose date has come active again; return how many."""
    return CommunityMember.objects.filter(
        community=community,
        status=CommunityMember.Status.PAUSED,
        pause_reason=CommunityMember.PauseReason.SNOOZED,
        paused_until__lte=today,
    ).update(status=CommunityMember.Status.ACTIVE, pause_reason="", paused_until=None)
