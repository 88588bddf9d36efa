"""Reads for orgs, and the `access_*` fetchers every org-scoped view goes through.

`access_*` functions raise Http404 both when the thing does not exist and when the
user may not see it, so a page never confirms what exists (as Zulip's
`access_stream_by_id`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import (
    Case,
    Count,
    Exists,
    Expression,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt
from django.http import Http404

from astn.accounts.models import Profile
from astn.accounts.types import User, Viewer
from orgs.models import SEARCH_CONFIG, InviteLink, Membership, Organization, org_search_vector

EARTH_RADIUS_KM = 6371.0


def membership_get(*, user: Viewer, org: Organization) -> Membership | None:
    """Return the user's membership row in `org` (any status), or None."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(org=org, user=user).first()


def access_org(*, slug: str) -> Organization:
    """Return the org for a public page (any org a visitor holds a link to)."""
    try:
        return Organization.objects.get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404("No such organisation") from None


def access_org_as_admin(*, user: Viewer, slug: str) -> tuple[Organization, Membership]:
    """Return (org, the admin's membership) or raise Http404 for anyone not an admin of it.

    The check itself is `orgs.permissions.org_membership_with_permission` (the only one).
    """
    from orgs.permissions import org_membership_with_permission

    membership = org_membership_with_permission(user=user, slug=slug)
    if membership is None:
        raise Http404("No such organisation")
    return membership.org, membership


def is_org_admin(*, user: Viewer, org: Organization) -> bool:
    """Whether `user` is an admin of `org` (False for anonymous visitors)."""
    from orgs.permissions import has_org_permission

    return has_org_permission(user=user, org=org)


def access_membership_as_admin(*, org: Organization, membership_id: int) -> Membership:
    """Return a membership of `org` (for an admin's action on it), or raise Http404."""
    try:
        return Membership.objects.select_related("user").get(org=org, pk=membership_id)
    except Membership.DoesNotExist:
        raise Http404("No such member") from None


def access_invite_link_as_admin(*, org: Organization, invite_link_id: int) -> InviteLink:
    """Return an invite link of `org`, or raise Http404."""
    try:
        return InviteLink.objects.for_org(org).get(pk=invite_link_id)
    except InviteLink.DoesNotExist:
        raise Http404("No such invite link") from None


def invite_link_get(*, token: str) -> InviteLink | None:
    """Return the invite link with this token (in any state), or None."""
    if "\x00" in token:  # Postgres refuses NUL in a string; no token has one
        return None
    return InviteLink.objects.select_related("org").filter(token=token).first()


def invite_link_list(*, org: Organization) -> QuerySet[InviteLink]:
    return InviteLink.objects.for_org(org).select_related("created_by").order_by("-created_at")


def distance_km(*, lat: float, lng: float, lat_field: str = "lat", lng_field: str = "lng"):
    """Return an SQL expression: great-circle distance in km from (lat, lng) to the row (haversine).

    NULL when the row has no coordinates. `Least(..., 1)` guards ASIN against a
    rounding error pushing its argument just past 1 for antipodal points.
    """
    lat0, lng0 = Value(float(lat)), Value(float(lng))
    half_dlat = Radians(F(lat_field) - lat0) / 2
    half_dlng = Radians(F(lng_field) - lng0) / 2
    a = Power(Sin(half_dlat), 2) + Cos(Radians(lat0)) * Cos(Radians(F(lat_field))) * Power(
        Sin(half_dlng), 2
    )
    # LEAST ignores NULLs in Postgres, so rows without coordinates are handled explicitly.
    return Case(
        When(
            Q(**{f"{lat_field}__isnull": False, f"{lng_field}__isnull": False}),
            then=Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(Least(a, Value(1.0)))),
        ),
        default=None,
        output_field=FloatField(),
    )


def _active_member_count() -> Count:
    return Count("memberships", filter=Q(memberships__status=Membership.Status.MEMBER))


def org_search(
    *,
    query: str = "",
    city: str = "",
    online_only: bool = False,
    near: tuple[float, float] | None = None,
) -> QuerySet[Organization]:
    """Return discoverable orgs matching the filters, best first, with `member_count`.

    `query` is free text (Postgres websearch syntax, so quotes, `&`, `!!` or `:*` are
    just text); it matches name, city and description by stem, and name or city by
    substring so "berl" finds Berlin. Results are ranked by relevance — or, with
    `near=(lat, lng)`, by distance (annotated as `distance_km`; orgs without
    coordinates last).
    """
    orgs = Organization.objects.discoverable().annotate(member_count=_active_member_count())
    query = query.strip()
    if query:
        search = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        orgs = orgs.annotate(
            document=org_search_vector(), rank=SearchRank(org_search_vector(), search)
        ).filter(Q(document=search) | Q(name__icontains=query) | Q(city__icontains=query))
    if city:
        orgs = orgs.filter(city__iexact=city.strip())
    if online_only:
        orgs = orgs.filter(is_online=True)
    if near is not None:
        orgs = orgs.annotate(distance_km=distance_km(lat=near[0], lng=near[1]))
        return orgs.order_by(F("distance_km").asc(nulls_last=True), "name")
    if query:
        return orgs.order_by("-rank", "name")
    return orgs.order_by("name")


def org_city_list() -> list[str]:
    """Cities that discoverable orgs are in, for the browse filter."""
    return list(
        Organization.objects.discoverable()
        .exclude(city="")
        .order_by("city")
        .values_list("city", flat=True)
        .distinct()
    )


def org_member_count(*, org: Organization) -> int:
    return Membership.objects.for_org(org).active().count()


def org_admin_list(*, org: Organization) -> QuerySet[Membership]:
    return Membership.objects.for_org(org).admins().select_related("user").order_by("joined_at")


def org_member_list_for_settings(*, org: Organization) -> QuerySet[Membership]:
    """Active members with an account (the people an admin can promote), admins first."""
    return (
        Membership.objects.for_org(org)
        .active()
        .filter(user__isnull=False)
        .select_related("user")
        .order_by("role", "user__name", "user__email")
    )


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """The orgs a user is a member of now, for the dashboard."""
    return (
        Membership.objects.filter(user=user, status=Membership.Status.MEMBER)
        .select_related("org")
        .order_by("org__name")
    )


def contact_membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """Orgs that know the user as a contact (e.g. from an attendance sheet) but not as a member."""
    return (
        Membership.objects.filter(user=user, status=Membership.Status.CONTACT)
        .select_related("org")
        .order_by("org__name")
    )


@dataclass
class Suggestion:
    org: Organization
    reasons: list[str] = field(default_factory=list)


_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def _interest_terms(profile) -> list[str]:
    text = " ".join([profile.interests or "", " ".join(profile.skills or [])])
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        seen.setdefault(word, None)
    return list(seen)[:40]


def org_suggestions(*, user: User, limit: int = 4) -> list[Suggestion]:
    """Return discoverable orgs the user may want to join, best first, with the reasons why.

    Scores nearness (only when the member opted in to share a location), the same
    city, and overlap of their interests and skills with the org's description.
    Never suggests an org the user already has a membership row in (member, contact
    or left). With nothing to go on, suggests the largest orgs.
    """
    profile = Profile.objects.get(user=user)
    own = Membership.objects.filter(org=OuterRef("pk"), user=user)
    orgs = (
        Organization.objects.discoverable()
        .annotate(member_count=_active_member_count())
        .filter(~Exists(own))
    )
    score: Expression = Value(0.0)
    if profile.location_discoverable and profile.lat is not None and profile.lng is not None:
        orgs = orgs.annotate(distance_km=distance_km(lat=profile.lat, lng=profile.lng))
        # 1.0 next door, 0.5 at 25 km, ~0 across an ocean.
        score = score + Case(
            When(distance_km__isnull=False, then=Value(1.0) / (Value(1.0) + F("distance_km") / 25)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    city = (profile.city or "").strip()
    if city:
        orgs = orgs.annotate(
            same_city=Case(
                When(city__iexact=city, then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
        score = score + F("same_city") * Value(0.8)
    terms = _interest_terms(profile)
    if terms:
        interest_query = SearchQuery(
            " or ".join(terms), search_type="websearch", config=SEARCH_CONFIG
        )
        # normalization=32 maps the rank into 0..1.
        orgs = orgs.annotate(
            overlap=SearchRank(org_search_vector(), interest_query, normalization=32)
        )
        score = score + F("overlap") * Value(3.0)
    orgs = orgs.annotate(score=score).order_by("-score", "-member_count", "name")[:limit]
    suggestions = []
    for org in orgs:
        reasons = []
        distance = getattr(org, "distance_km", None)
        if distance is not None and distance < 300:
            reasons.append(f"{distance:.0f} km away")
        if getattr(org, "same_city", 0.0):
            reasons.append(f"In {org.city}")
        if getattr(org, "overlap", 0.0) > 0:
            reasons.append("Matches your interests")
        if not reasons:
            reasons.append("Popular" if org.member_count else "New on ASTN")
        suggestions.append(Suggestion(org=org, reasons=reasons))
    return suggestions


def membership_export_for_user(*, user: User) -> list[dict]:
    """The user's memberships for `/me/export/`: only what is about them, no other people."""
    return [
        {
            "org": m.org.name,
            "org_url": m.org.get_absolute_url(),
            "email": m.email,
            "name": m.name,
            "role": m.role,
            "status": m.status,
            "source": m.source,
            "joined_at": m.joined_at,
            "left_at": m.left_at,
            "muted": m.muted,
            "created_at": m.created_at,
        }
        for m in Membership.objects.filter(user=user).select_related("org").order_by("org__name")
    ]


def membership_deletion_notes(*, user: User) -> list[str]:
    """Sentences for the account-deletion page: what happens to the user's memberships."""
    count = Membership.objects.filter(user=user).count()
    if not count:
        return []
    notes = [
        f"Your {count} membership{'s' if count != 1 else ''} will be anonymised: the organisations "
        "keep a count, not your name or email."
    ]
    sole_admin_of = [
        m.org.name
        for m in Membership.objects.admins().filter(user=user).select_related("org")
        if not Membership.objects.admins().filter(org_id=m.org_id).exclude(pk=m.pk).exists()
    ]
    if sole_admin_of:
        notes.append(
            "You are the only admin of "
            + ", ".join(sole_admin_of)
            + ". Make someone else an admin first, or the organisation will have no admin."
        )
    return notes


def muted_membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """The orgs a member has muted (no announcements, digest entries or reminders from them)."""
    return (
        Membership.objects.filter(user=user, status=Membership.Status.MEMBER, muted=True)
        .select_related("org")
        .order_by("org__name")
    )
