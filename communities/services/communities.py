"""Creating and editing communities (org admins)."""

from __future__ import annotations

import zoneinfo

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from astn.accounts.models import User
from communities import intake
from communities.errors import CommunityError
from communities.models import Community
from orgs.models import Organization

EDITABLE = (
    "name",
    "slug",
    "description",
    "intake_questions",
    "signup_deadline_day",
    "match_day",
    "call_minutes",
    "no_repeat_rounds",
    "timezone",
    "active",
)
RESERVED_SLUGS = {"new", "admin"}


def community_slug_suggest(*, name: str) -> str:
    base = slugify(name)[:70] or "community"
    slug, n = base, 1
    # Community addresses are unique across orgs: this read crosses them on purpose.
    while Community.objects.cross_org().filter(slug=slug).exists() or slug in RESERVED_SLUGS:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _validate(community: Community) -> None:
    if not community.name.strip():
        raise CommunityError("Give the community a name.", field="name")
    if not community.slug or slugify(community.slug) != community.slug:
        raise CommunityError(
            "The address may use lower-case letters, digits and hyphens only.", field="slug"
        )
    if community.slug in RESERVED_SLUGS:
        raise CommunityError(f"The address “{community.slug}” is reserved.", field="slug")
    taken = (
        Community.objects.cross_org().filter(slug=community.slug).exclude(pk=community.pk).exists()
    )
    if taken:
        raise CommunityError(
            f"The address “{community.slug}” is already taken. Try another.",
            code="slug_taken",
            field="slug",
        )
    if not 1 <= community.signup_deadline_day <= 30:
        raise CommunityError(
            "The signup deadline is a day of the month from 1 to 30.", field="signup_deadline_day"
        )
    if not 2 <= community.match_day <= 31:
        raise CommunityError("The match day is a day of the month from 2 to 31.", field="match_day")
    if community.match_day <= community.signup_deadline_day:
        raise CommunityError(
            "The match day must come after the signup deadline "
            f"(the deadline is day {community.signup_deadline_day}).",
            field="match_day",
        )
    if not 15 <= community.call_minutes <= 120:
        raise CommunityError("Calls last 15 to 120 minutes.", field="call_minutes")
    if not 0 <= community.no_repeat_rounds <= 24:
        raise CommunityError("Choose 0 to 24 rounds.", field="no_repeat_rounds")
    if community.timezone not in zoneinfo.available_timezones():
        raise CommunityError(f"“{community.timezone}” is not a time zone.", field="timezone")
    try:
        community.intake_questions = intake.clean_questions(community.intake_questions)
    except intake.IntakeError as error:
        raise CommunityError(str(error), field="intake_questions") from None


def _save(community: Community, update_fields: list[str] | None = None) -> Community:
    try:
        with transaction.atomic():
            community.save(update_fields=update_fields)
    except IntegrityError:
        raise CommunityError(
            f"The address “{community.slug}” is already taken. Try another.",
            code="slug_taken",
            field="slug",
        ) from None
    return community


@transaction.atomic
def community_create(*, org: Organization, created_by: User, **fields) -> Community:
    """Create a community of `org`; `fields` are those of `EDITABLE` (defaults otherwise).

    Raises `CommunityError` (with `field`) for a taken or malformed slug, a match day
    not after the deadline, bad questions or an unknown zone; nothing is written then.
    """
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"community_create() got unexpected fields: {sorted(unknown)}")
    fields.setdefault("intake_questions", list(intake.DEFAULT_QUESTIONS))
    name = str(fields.pop("name", "")).strip()
    slug = str(fields.pop("slug", "") or "").strip().lower() or community_slug_suggest(name=name)
    community = Community(org=org, created_by=created_by, name=name, slug=slug, **fields)
    _validate(community)
    return _save(community)


@transaction.atomic
def community_update(*, community: Community, **fields) -> Community:
    """Change a community's settings; same checks as `community_create`."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"community_update() got unexpected fields: {sorted(unknown)}")
    locked = Community.objects.for_org(community.org_id).select_for_update().get(pk=community.pk)
    if "slug" in fields:
        fields["slug"] = str(fields["slug"]).strip().lower()
    for name, value in fields.items():
        setattr(locked, name, value)
    _validate(locked)
    return _save(locked, update_fields=list(fields))
