"""Writes for orgs: creating and editing orgs, joining and leaving, roles, invite links, contacts.

Every function here is keyword-only and atomic, and raises `OrgsError` (with a
message fit to show the person) when the write must not happen. Writes that
depend on "how many admins are left" or "how many uses are left" lock the org or
the invite row first, so two requests at once cannot both pass the check.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from astn.accounts.models import User, normalize_email
from orgs.errors import OrgsError
from orgs.models import InviteLink, Membership, Organization
from orgs.permissions import has_org_permission
from orgs.signals import membership_left

ORG_EDITABLE_FIELDS = (
    "name",
    "slug",
    "description",
    "website",
    "city",
    "lat",
    "lng",
    "is_online",
    "discoverable",
)


def _lock_org(org: Organization) -> Organization:
    """Lock the org row for this transaction, or raise `OrgsError` if it has been deleted."""
    locked = Organization.objects.select_for_update().filter(pk=org.pk).first()
    if locked is None:
        raise OrgsError("This organisation no longer exists.", code="org_gone")
    return locked


def _validate_org(org: Organization) -> None:
    """Run model validation and turn it into one readable `OrgsError`."""
    if org.lat is not None and not -90 <= org.lat <= 90:
        raise OrgsError("Latitude must be between -90 and 90.", code="bad_coordinates")
    if org.lng is not None and not -180 <= org.lng <= 180:
        raise OrgsError("Longitude must be between -180 and 180.", code="bad_coordinates")
    if (org.lat is None) != (org.lng is None):
        raise OrgsError("Give both latitude and longitude, or neither.", code="bad_coordinates")
    try:
        org.full_clean()
    except ValidationError as error:
        messages = []
        for field, field_errors in error.message_dict.items():
            label = field if field != "__all__" else ""
            for message in field_errors:
                messages.append(f"{label}: {message}" if label else message)
        raise OrgsError(" ".join(messages)) from None


def org_slug_suggest(*, name: str) -> str:
    """Return a free slug derived from `name` ("berlin-hub", then "berlin-hub-2", ...)."""
    base = slugify(name)[:70] or "org"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def org_create(*, created_by: User, name: str, slug: str = "", **fields) -> Organization:
    """Create an org and make `created_by` its first admin.

    `slug` defaults to a free one derived from the name; a slug that is taken raises
    `OrgsError` (code `slug_taken`). Other `fields` are those of `ORG_EDITABLE_FIELDS`.
    """
    unknown = set(fields) - set(ORG_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"org_create() got unexpected fields: {sorted(unknown)}")
    slug = slug.strip().lower() or org_slug_suggest(name=name)
    if Organization.objects.filter(slug=slug).exists():
        raise OrgsError(f"The address “{slug}” is already taken.", code="slug_taken")
    org = Organization(name=name.strip(), slug=slug, **fields)
    _validate_org(org)
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError:
        raise OrgsError(f"The address “{slug}” is already taken.", code="slug_taken") from None
    Membership.objects.create(
        org=org,
        user=created_by,
        email=normalize_email(created_by.email),
        name=created_by.name,
        role=Membership.Role.ADMIN,
        source=Membership.Source.SELF,
    )
    return org


@transaction.atomic
def org_update(*, org: Organization, acting_user: User, **fields) -> Organization:
    """Change the org's public details. The caller has checked that `acting_user` is an admin.

    Raises `OrgsError` for a taken slug, coordinates out of range, or an org deleted
    meanwhile; nothing is written then.
    """
    unknown = set(fields) - set(ORG_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"org_update() got unexpected fields: {sorted(unknown)}")
    locked = _lock_org(org)
    if "slug" in fields:
        fields["slug"] = fields["slug"].strip().lower()
        if Organization.objects.filter(slug=fields["slug"]).exclude(pk=locked.pk).exists():
            raise OrgsError(f"The address “{fields['slug']}” is already taken.", code="slug_taken")
    for name, value in fields.items():
        setattr(locked, name, value)
    _validate_org(locked)
    locked.save(update_fields=list(fields))
    return locked


def _membership_for(*, org: Organization, user: User) -> Membership | None:
    """Return the row standing for `user` in `org`: theirs, or an unclaimed one with their email."""
    email = normalize_email(user.email)
    return (
        Membership.objects.select_for_update()
        .filter(Q(user=user) | Q(user__isnull=True, email__iexact=email), org=org)
        .order_by(F("user").asc(nulls_last=True))
        .first()
    )


@transaction.atomic
def membership_join(
    *,
    org: Organization,
    user: User,
    source: str = Membership.Source.SELF,
    invite_link: InviteLink | None = None,
) -> Membership:
    """Make `user` a member of `org` and return the membership.

    Reuses the row the org already has for them — a contact becomes a member, someone
    who left is reactivated (their history stays attached) — or creates one.
    Raises `OrgsError` (code `already_member`) if they are a member already, and
    (code `org_gone`) if the org was deleted.
    """
    org = _lock_org(org)
    membership = _membership_for(org=org, user=user)
    now = timezone.now()
    if membership is None:
        try:
            with transaction.atomic():
                return Membership.objects.create(
                    org=org,
                    user=user,
                    email=normalize_email(user.email),
                    name=user.name,
                    source=source,
                    invite_link=invite_link,
                    joined_at=now,
                )
        except IntegrityError:
            # Another person's row carries this address (they changed theirs since).
            raise OrgsError(
                f"Your email address is already on the list of {org.name} under another "
                "account. Please contact the organisers.",
                code="email_taken",
            ) from None
    if membership.status == Membership.Status.MEMBER and membership.user_id == user.pk:
        raise OrgsError(f"You are already a member of {org.name}.", code="already_member")
    membership.user = user
    membership.status = Membership.Status.MEMBER
    membership.role = Membership.Role.MEMBER
    membership.left_at = None
    membership.joined_at = now
    membership.name = membership.name or user.name
    update = ["user", "status", "role", "left_at", "joined_at", "name"]
    if invite_link is not None:
        membership.invite_link = invite_link
        update.append("invite_link")
    membership.save(update_fields=update)
    return membership


def _other_admins_exist(membership: Membership) -> bool:
    return (
        Membership.objects.admins()
        .filter(org_id=membership.org_id)
        .exclude(pk=membership.pk)
        .exists()
    )


def _send_membership_left(*, membership_ids: list[int], reason: str) -> None:
    def send() -> None:
        for membership in Membership.objects.filter(pk__in=membership_ids).select_related("org"):
            membership_left.send(sender=Membership, membership=membership, reason=reason)

    transaction.on_commit(send)


def _may_manage_members(*, org: Organization, acting_user: User) -> bool:
    """An admin of the org, or platform staff allowed to change memberships (Django admin)."""
    if acting_user.is_active and acting_user.has_perm("orgs.change_membership"):
        return True
    return has_org_permission(user=acting_user, org=org, permission="org.settings")


def _require_manager(*, org: Organization, acting_user: User) -> None:
    if not _may_manage_members(org=org, acting_user=acting_user):
        raise OrgsError(
            f"Only admins of {org.name} can change who is an admin or a member.",
            code="forbidden",
        )


def _mark_left(membership: Membership, *, reason: str) -> Membership:
    membership.status = Membership.Status.LEFT
    membership.role = Membership.Role.MEMBER
    membership.left_at = timezone.now()
    membership.save(update_fields=["status", "role", "left_at"])
    _send_membership_left(membership_ids=[membership.pk], reason=reason)
    return membership


@transaction.atomic
def membership_leave(*, membership: Membership) -> Membership:
    """Mark the membership `left`, keeping the row and everything hanging off it.

    The last admin cannot leave (`OrgsError`, code `last_admin`): the org would have
    nobody to run it. A leaving admin becomes a plain member, so rejoining later does
    not silently restore admin rights.
    """
    org = _lock_org(membership.org)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Membership.Status.MEMBER:
        raise OrgsError(f"You are not a member of {org.name}.", code="not_member")
    if membership.is_admin and not _other_admins_exist(membership):
        raise OrgsError(
            f"You are the last admin of {org.name}. Make someone else an admin before you leave.",
            code="last_admin",
        )
    return _mark_left(membership, reason="left")


@transaction.atomic
def membership_remove(*, membership: Membership, acting_user: User) -> Membership:
    """Take someone off the org's member list (status `left`, reason "removed").

    Same rules as leaving — never the last admin — and the same `membership_left`
    signal, so their seats go to the waitlist. `acting_user` must be an admin of the
    org or staff with the Django admin's change-membership permission (`OrgsError`,
    code `forbidden`).
    """
    org = _lock_org(membership.org)
    _require_manager(org=org, acting_user=acting_user)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Membership.Status.MEMBER:
        raise OrgsError(f"{membership.display_name} is not a member.", code="not_member")
    if membership.is_admin and not _other_admins_exist(membership):
        raise OrgsError(
            f"{membership.display_name} is the last admin of {org.name} and cannot be "
            "removed. Make someone else an admin first.",
            code="last_admin",
        )
    return _mark_left(membership, reason="removed")


@transaction.atomic
def membership_role_set(*, membership: Membership, role: str, acting_user: User) -> Membership:
    """Promote a member to admin or demote an admin to member.

    Only active members with an account can be admins. The last admin cannot be
    demoted (`OrgsError`, code `last_admin`). `acting_user` must be an admin of the
    org (checked here, under the org lock) or staff with the Django admin's
    change-membership permission (code `forbidden`); views add re-authentication.
    """
    if role not in Membership.Role.values:
        raise OrgsError("Unknown role.")
    org = _lock_org(membership.org)
    _require_manager(org=org, acting_user=acting_user)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Membership.Status.MEMBER or membership.user_id is None:
        raise OrgsError("Only current members with an account can be admins.", code="not_member")
    if membership.role == role:
        return membership
    if role == Membership.Role.MEMBER and not _other_admins_exist(membership):
        raise OrgsError(
            f"{membership.display_name} is the last admin of {org.name} and cannot be demoted. "
            "Make someone else an admin first.",
            code="last_admin",
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_mute_set(*, membership: Membership, muted: bool) -> Membership:
    """Mute or unmute an org for one member: no announcements, digest entries or reminders."""
    Membership.objects.filter(pk=membership.pk).update(muted=muted)
    membership.muted = muted
    return membership


@transaction.atomic
def membership_contact_add(
    *, org: Organization, email: str, name: str = "", source: str = Membership.Source.IMPORT
) -> Membership:
    """Add a person the org knows of but who has not joined (status `contact`).

    If someone has verified this email on ASTN, the contact is linked to their
    account at once (it stays a contact). A taken email raises `OrgsError`
    (code `email_taken`).
    """
    from allauth.account.models import EmailAddress

    email = normalize_email(email)
    if not email:
        raise OrgsError("An email address is required.")
    if Membership.objects.filter(org=org, email__iexact=email).exists():
        raise OrgsError(f"{email} is already on the list of {org.name}.", code="email_taken")
    owner = (
        EmailAddress.objects.filter(email__iexact=email, verified=True)
        .exclude(user__memberships__org=org)
        .values_list("user_id", flat=True)
        .first()
    )
    try:
        with transaction.atomic():
            return Membership.objects.create(
                org=org,
                user_id=owner,
                email=email,
                name=name.strip(),
                status=Membership.Status.CONTACT,
                source=source,
            )
    except IntegrityError:
        raise OrgsError(
            f"{email} is already on the list of {org.name}.", code="email_taken"
        ) from None


@transaction.atomic
def contacts_link_to_user(*, user: User, email: str) -> int:
    """Link unclaimed memberships carrying `email` to `user`; return how many were linked.

    Call only for an address `user` has verified. The status stays what it was: a
    contact is offered "join?" on the dashboard, never made a member silently. Orgs
    where the user already has a membership are skipped (one row per person per org).
    """
    email = normalize_email(email)
    if not email:
        return 0
    return (
        Membership.objects.filter(
            user__isnull=True, email__iexact=email, anonymised_at__isnull=True
        )
        .exclude(org__memberships__user=user)
        .update(user=user)
    )


@transaction.atomic
def memberships_anonymise_for_user(*, user: User) -> int:
    """Detach every membership from `user` and blank what names them; return how many.

    Used when an account is deleted: the org keeps the row (so its counts and event
    attendance stay right) but not the person. Status is left as it was.
    Sends `membership_left` (reason `account_deleted`) after commit for each row.
    """
    membership_ids = list(Membership.objects.filter(user=user).values_list("pk", flat=True))
    _send_membership_left(membership_ids=membership_ids, reason="account_deleted")
    return Membership.objects.filter(pk__in=membership_ids).update(
        user=None,
        email="",
        name="",
        role=Membership.Role.MEMBER,
        muted=False,
        anonymised_at=timezone.now(),
    )


@transaction.atomic
def invite_link_create(
    *,
    org: Organization,
    created_by: User,
    label: str = "",
    expires_at: datetime.datetime | None = None,
    max_uses: int | None = None,
) -> InviteLink:
    """Create an invite link to `org`. Raises `OrgsError` for a past expiry or max uses below 1."""
    if expires_at is not None and expires_at <= timezone.now():
        raise OrgsError("The expiry date must be in the future.")
    if max_uses is not None and max_uses < 1:
        raise OrgsError("Max uses must be at least 1 (leave it empty for no limit).")
    org = _lock_org(org)
    return InviteLink.objects.create(
        org=org,
        created_by=created_by,
        label=label.strip(),
        expires_at=expires_at,
        max_uses=max_uses,
    )


@transaction.atomic
def invite_link_revoke(*, invite_link: InviteLink) -> InviteLink:
    """Revoke the link; people who already joined through it stay members. Idempotent."""
    InviteLink.objects.for_org(invite_link.org_id).filter(
        pk=invite_link.pk, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invite_link.refresh_from_db(fields=["revoked_at"])
    return invite_link


INVITE_STATE_MESSAGES = {
    InviteLink.State.EXPIRED: "This invite link has expired.",
    InviteLink.State.REVOKED: "This invite link has been turned off by the organisation.",
    InviteLink.State.USED_UP: "This invite link has been used as many times as it allows.",
}


@transaction.atomic
def invite_link_accept(*, token: str, user: User) -> Membership:
    """Join the invite's org as `user` and count one use of the link.

    The invite row is locked first, so concurrent accepts can never push `uses`
    past `max_uses`. Raises `OrgsError` with code `not_found`, `expired`,
    `revoked`, `used_up` or `already_member`; nothing is written then.
    """
    invite = (
        InviteLink.objects.select_for_update().select_related("org").filter(token=token).first()
        if "\x00" not in token  # Postgres refuses NUL in a string; no token has one
        else None
    )
    if invite is None:
        raise OrgsError("This invite link does not exist.", code="not_found")
    if invite.state != InviteLink.State.ACTIVE:
        raise OrgsError(INVITE_STATE_MESSAGES[invite.state], code=invite.state)
    membership = membership_join(
        org=invite.org, user=user, source=Membership.Source.INVITE, invite_link=invite
    )
    InviteLink.objects.filter(pk=invite.pk).update(uses=F("uses") + 1)
    return membership
