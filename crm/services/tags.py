"""Tags on memberships: org-scoped labels with a colour, set from the directory and member page."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from crm.errors import CrmError
from crm.models import MembershipTag, Tag
from orgs.models import Membership, Organization

TAG_NAME_MAX = 40
TAGS_PER_ORG_MAX = 200


def _clean_name(name: str) -> str:
    name = " ".join((name or "").replace("\x00", "").split())  # Postgres refuses NUL
    if not name:
        raise CrmError("Give the tag a name.", code="tag_name_empty")
    if len(name) > TAG_NAME_MAX:
        raise CrmError(f"A tag name has at most {TAG_NAME_MAX} characters.", code="tag_name_long")
    return name


def _clean_colour(colour: str) -> str:
    if colour not in Tag.Colour.values:
        raise CrmError("Pick one of the listed colours.", code="tag_colour")
    return colour


@transaction.atomic
def tag_create(*, org: Organization, name: str, colour: str = Tag.Colour.BLUE) -> Tag:
    """Create a tag in `org`. Raise `CrmError` for an empty, long or duplicate name."""
    name = _clean_name(name)
    colour = _clean_colour(colour)
    if Tag.objects.for_org(org).count() >= TAGS_PER_ORG_MAX:
        raise CrmError(f"An organisation has at most {TAGS_PER_ORG_MAX} tags.", code="tag_limit")
    if Tag.objects.for_org(org).filter(name__iexact=name).exists():
        raise CrmError(f"There is already a tag “{name}”.", code="tag_duplicate")
    try:
        with transaction.atomic():
            return Tag.objects.create(org=org, name=name, colour=colour)
    except IntegrityError:
        raise CrmError(f"There is already a tag “{name}”.", code="tag_duplicate") from None


@transaction.atomic
def tag_update(*, tag: Tag, name: str, colour: str) -> Tag:
    """Rename or recolour `tag`. Raise `CrmError` for a bad or duplicate name."""
    name = _clean_name(name)
    colour = _clean_colour(colour)
    clash = Tag.objects.for_org(tag.org).filter(name__iexact=name).exclude(pk=tag.pk).exists()
    if clash:
        raise CrmError(f"There is already a tag “{name}”.", code="tag_duplicate")
    tag.name, tag.colour = name, colour
    tag.save(update_fields=["name", "colour"])
    return tag


@transaction.atomic
def tag_delete(*, tag: Tag) -> None:
    """Delete `tag` and take it off everyone who had it."""
    tag.delete()


def _memberships_of(tag: Tag, memberships: Iterable[Membership]) -> list[int]:
    memberships = list(memberships)
    ids = [m.pk for m in memberships if m.org_id == tag.org_id]
    if len(ids) != len(memberships):
        raise CrmError("Some of the selected people are not in this organisation.", code="scope")
    return ids


@transaction.atomic
def tag_add(*, tag: Tag, memberships: list[Membership], acting_user) -> int:
    """Put `tag` on each of `memberships` (all of the tag's org); return how many gained it.

    People who already have the tag are left alone, so repeating the action changes nothing.
    """
    ids = _memberships_of(tag, memberships)
    existing = MembershipTag.objects.filter(tag=tag, membership_id__in=ids)
    before = existing.count()
    MembershipTag.objects.bulk_create(
        [MembershipTag(tag=tag, membership_id=pk, added_by=acting_user) for pk in ids],
        ignore_conflicts=True,
    )
    return existing.count() - before


@transaction.atomic
def tag_remove(*, tag: Tag, memberships: list[Membership]) -> int:
    """Take `tag` off each of `memberships`; return how many lost it."""
    ids = _memberships_of(tag, memberships)
    deleted, _ = MembershipTag.objects.filter(tag=tag, membership_id__in=ids).delete()
    return deleted
