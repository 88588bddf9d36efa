"""The member page: one membership of the admin's org, what the member lets admins see."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from astn.accounts.models import PrivacySettings, Profile
from crm.models import MemberNote, Tag
from crm.selectors.directory import directory_base, membership_tags
from orgs.models import Membership, Organization


def access_member(*, org: Organization, membership_id: int) -> Membership:
    """Return a membership of `org` with the directory's figures, or raise Http404.

    A membership of another org is a 404 like a missing one (it does not confirm it exists).
    """
    membership = (
        directory_base(org=org).select_related("user", "org").filter(pk=membership_id).first()
    )
    if membership is None:
        raise Http404("No such member")
    return membership


@dataclass(frozen=True)
class MemberProfile:
    """What an admin may see of a member's profile. Name and email are always shown."""

    visible: bool  # False when the member hides their profile from admins
    has_account: bool
    profile: Profile | None


def member_profile(*, membership: Membership) -> MemberProfile:
    if membership.user_id is None:
        return MemberProfile(visible=True, has_account=False, profile=None)
    settings = PrivacySettings.objects.filter(user_id=membership.user_id).first()
    visible = settings is None or settings.profile_visible_to_admins
    profile = Profile.objects.filter(user_id=membership.user_id).first() if visible else None
    return MemberProfile(visible=visible, has_account=True, profile=profile)


def member_tags(*, membership: Membership) -> list[Tag]:
    return membership_tags(membership_ids=[membership.pk]).get(membership.pk, [])


def access_note(*, org: Organization, membership: Membership, note_id: int) -> MemberNote:
    """Return a note on `membership` (of `org`), or raise Http404."""
    note = (
        MemberNote.objects.for_org(org)
        .filter(membership=membership, pk=note_id)
        .select_related("author")
        .first()
    )
    if note is None:
        raise Http404("No such note")
    return note
