"""The member directory: filtered, sorted, counted and shown from the read model.

Budget (DESIGN §11): 20,000 memberships, 300,000 attendance rows, ≤ 50 ms and a constant
number of queries whatever the page size. So the people are filtered, sorted and counted
on `MemberStats` alone — one narrow row per membership that Postgres triggers keep in step
with memberships, accounts, profiles, privacy settings and engagement (see its docstring) —
and only the page's 50 rows are joined with the real tables:

- counts per filter value (facets) come from one grouped query on the read model (each
  facet counted with every *other* filter applied, summed in Python over a few dozen
  groups, tags included);
- the page's rows come from one query: their ids picked on the read model, then joined
  with the real tables for the name, email, headline and date joined
  (`crm.selectors.directory_page.page_rows`).

Privacy: a member who hides their profile from admins (`PrivacySettings`) shows no
headline / city / skills / career stage and is never matched by a filter on them (the
read model never holds them); one who hides their attendance history shows no
events-attended figure and sorts as unknown. Name and email are always visible to the
org's admins.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, Upper
from django.utils import timezone

from attendance.models import Attendance
from crm.models import Enrollment, MembershipTag, MemberStats, Tag
from engagement.models import LEVEL_RANK, Level
from engagement.selectors import memberships_with_engagement
from orgs.models import Membership, Organization
from orgs.selectors import distance_km

SEARCH_MAX = 200
PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50
NEAR_CHOICES_KM = (10, 25, 50, 100)
STATUS_DEFAULT = (Membership.Status.MEMBER.value, Membership.Status.CONTACT.value)
NOT_SCORED = "none"

# sort key → the read model's column it orders by (`-key` reverses); `membership__…`
# columns are the membership's own.
SORT_KEYS = {
    "name": "sort_name",
    "email": "membership__email",
    "level": "effective_level",  # by rank, most engaged last (`-level` first)
    "last_active": "last_active_at",
    "events": "events_shown",  # unknown when the member keeps attendance private
    "joined": "membership__joined_at",
    "city": "city",
}
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    levels: tuple[str, ...] = ()
    role: str = ""
    statuses: tuple[str, ...] = STATUS_DEFAULT
    skill: str = ""
    city: str = ""
    near_km: int | None = None
    career: str = ""
    tags: tuple[int, ...] = ()
    program: int | None = None
    attended_event: int | None = None
    active_after: date | None = None
    active_before: date | None = None
    sort: str = ""
    ids: tuple[int, ...] = ()

    def as_query(self) -> dict[str, Any]:
        """The filters as query-string parameters (lists for repeated keys), for links."""
        params: dict[str, Any] = {}
        if self.q:
            params["q"] = self.q
        if self.levels:
            params["level"] = list(self.levels)
        if self.role:
            params["role"] = self.role
        if tuple(self.statuses) != STATUS_DEFAULT:
            params["status"] = list(self.statuses)
        for key, value in (
            ("skill", self.skill),
            ("city", self.city),
            ("near", self.near_km),
            ("career", self.career),
            ("program", self.program),
            ("attended", self.attended_event),
            ("active_after", self.active_after),
            ("active_before", self.active_before),
            ("sort", self.sort),
        ):
            if value:
                params[key] = str(value)
        if self.tags:
            params["tag"] = [str(tag) for tag in self.tags]
        if self.ids:
            params["ids"] = ",".join(str(pk) for pk in self.ids)
        return params

    def as_log(self) -> dict[str, Any]:
        """The filters for the export audit log: what was asked for, not who came out."""
        logged = self.as_query()
        if self.ids:
            logged["ids"] = f"{len(self.ids)} selected"
        return logged

    @property
    def is_filtered(self) -> bool:
        return bool(replace(self, sort="").as_query())


# Engagement's own annotation (effective level = active override, else computed), with
# the override as a join so the facet counts stay cheap.
with_engagement = memberships_with_engagement


def display_name(prefix: str = "") -> Coalesce:
    """SQL for the name the directory shows: the account's name, else the membership's,
    else the email (`prefix` reaches the membership from another model, e.g.
    `"membership__"`)."""
    return Coalesce(
        NullIf(F(f"{prefix}user__name"), Value("")),
        NullIf(F(f"{prefix}name"), Value("")),
        f"{prefix}email",
        output_field=CharField(),
    )


def directory_base(*, org: Organization) -> QuerySet[Membership]:
    """Return `org`'s memberships with everything the directory shows, unfiltered."""
    profile_visible = Coalesce(F("user__privacy_settings__profile_visible_to_admins"), Value(True))
    attendance_visible = Coalesce(
        F("user__privacy_settings__attendance_visible_to_admins"), Value(True)
    )
    queryset = Membership.objects.for_org(org).annotate(
        display=display_name(),
        profile_visible=profile_visible,
        attendance_visible=attendance_visible,
    )
    queryset = queryset.annotate(
        headline=Case(
            When(profile_visible=True, then=F("user__profile__headline")), default=Value("")
        ),
        city=Case(When(profile_visible=True, then=F("user__profile__city")), default=Value("")),
        career_stage=Case(
            When(profile_visible=True, then=F("user__profile__career_stage")), default=Value("")
        ),
        events_attended=Case(
            When(attendance_visible=True, then=Coalesce(F("crm_stats__events_attended"), 0)),
            default=None,
            output_field=IntegerField(),
        ),
    )
    return with_engagement(queryset)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class FilterParts:
    """The directory's conditions on `MemberStats`, split so facets can leave their own
    one out.

    `EXISTS` conditions are annotations (`flags`) filtered as booleans: Django cannot
    put an `Exists(OuterRef(...))` inside an aggregate's FILTER clause.
    """

    always: list[Q] = field(default_factory=list)
    facets: dict[str, Q] = field(default_factory=dict)
    flags: dict[str, Exists] = field(default_factory=dict)

    def apply(self, queryset: QuerySet[MemberStats]) -> QuerySet[MemberStats]:
        return queryset.annotate(**self.flags) if self.flags else queryset

    def all(self) -> Q:
        return self.except_facet(None)

    def except_facet(self, name: str | None) -> Q:
        condition = Q()
        for part in self.always:
            condition &= part
        for facet, part in self.facets.items():
            if facet != name:
                condition &= part
        return condition


def _filter_parts(*, org: Organization, filters: DirectoryFilters) -> FilterParts:
    parts = FilterParts()
    person = OuterRef("membership_id")
    if filters.ids:
        parts.always.append(Q(membership_id__in=filters.ids))
    if filters.q:
        # The column is upper-cased when written; the term by the same Postgres `upper()`.
        parts.always.append(Q(search__contains=Upper(Value(filters.q))))
    if filters.skill:
        variants = sorted({filters.skill, filters.skill.lower(), filters.skill.capitalize()})
        parts.always.append(
            Q(profile_visible=True, membership__user__profile__skills__overlap=variants)
        )
    if filters.city:
        parts.always.append(Q(city__icontains=filters.city))
    if filters.near_km and org.lat is not None and org.lng is not None:
        distance = distance_km(
            lat=org.lat, lng=org.lng, lat_field="user__profile__lat", lng_field="user__profile__lng"
        )
        parts.always.append(
            Q(
                profile_visible=True,
                membership_id__in=Membership.objects.for_org(org)
                .filter(user__profile__location_discoverable=True)
                .alias(distance=distance)
                .filter(distance__lte=filters.near_km)
                .values("pk"),
            )
        )
    if filters.program:
        parts.flags["in_program"] = Exists(
            Enrollment.objects.filter(
                membership=person,
                program_id=filters.program,
                program__org=org,
                status__in=[Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED],
            )
        )
        parts.always.append(Q(in_program=True))
    if filters.attended_event:
        parts.flags["attended_event"] = Exists(
            Attendance.objects.filter(
                membership=person, event_id=filters.attended_event, event__org=org, attended=True
            )
        )
        parts.always.append(Q(attended_event=True))
    if filters.active_after:
        parts.always.append(Q(last_active_at__gte=_day_start(filters.active_after)))
    if filters.active_before:
        parts.always.append(Q(last_active_at__lt=_day_start(filters.active_before)))
    if filters.levels:
        level_q = Q(effective_level__in=[lv for lv in filters.levels if lv != NOT_SCORED])
        if NOT_SCORED in filters.levels:
            level_q |= Q(effective_level__isnull=True)
        parts.facets["level"] = level_q
    if filters.statuses:
        parts.facets["status"] = Q(status__in=filters.statuses)
    if filters.role:
        parts.facets["role"] = Q(role=filters.role)
    if filters.career:
        parts.facets["career"] = Q(career_stage=filters.career)
    if filters.tags:
        parts.facets["tag"] = Q(tag_ids__overlap=list(filters.tags))
    return parts


def directory_listing(*, org: Organization, filters: DirectoryFilters) -> QuerySet[MemberStats]:
    """Return the read-model rows of `org`'s people matching `filters`, sorted."""
    parts = _filter_parts(org=org, filters=filters)
    listing = parts.apply(MemberStats.objects.filter(org=org)).filter(parts.all())
    return listing.order_by(*sort_order(filters.sort))


def member_directory(*, org: Organization, filters: DirectoryFilters) -> QuerySet[Membership]:
    """Return `org`'s memberships matching `filters`, sorted, with the directory's figures
    (for the export: every row, streamed)."""
    parts = _filter_parts(org=org, filters=filters)
    matching = parts.apply(MemberStats.objects.filter(org=org)).filter(parts.all())
    return (
        directory_base(org=org)
        .filter(pk__in=matching.values("membership_id"))
        .order_by(*sort_order(filters.sort, through="crm_stats__"))
    )


def sort_order(sort: str, *, through: str = "") -> list:
    """ORDER BY for `sort` on the read model, or on memberships `through` their read-model
    row (`"crm_stats__"`); unknown keys sort by name."""

    def column(path: str) -> str:
        if through and path.startswith("membership__"):
            return path.removeprefix("membership__")
        return through + path

    key = sort.lstrip("-") if sort else DEFAULT_SORT
    path = SORT_KEYS.get(key, SORT_KEYS[DEFAULT_SORT])
    expression: Any = F(column(path))
    if key == "level":
        expression = Case(
            *[When(**{column(path): lv}, then=Value(rank)) for lv, rank in LEVEL_RANK.items()],
            default=Value(-1),
            output_field=IntegerField(),
        )
    descending = sort.startswith("-")
    ordered = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    return [ordered, column("membership_id") if through else "membership_id"]


# The read model's level column (also a `with_engagement` annotation of the same name).
EFFECTIVE_LEVEL: str = "effective_level"

FACET_VALUES = {
    "level": [*Level.values, NOT_SCORED],
    "status": Membership.Status.values,
    "role": Membership.Role.values,
}


def directory_facets(*, org: Organization, filters: DirectoryFilters) -> dict[str, Any]:
    """Return the row count and, per filter value, how many people it would show.

    Each facet is counted with every other filter applied (so picking "At risk" still
    shows how many "Moderate" there are). One query groups the people matching the
    non-facet filters by level, status, role and set of tags (and by whether the career
    filter holds): a few hundred groups at most in practice — tags are labels on some
    people, in few combinations — and every count, the tags' included, is a sum over
    them. One pass over the read model; counting the tags in a second one cost as much
    again.
    """
    parts = _filter_parts(org=org, filters=filters)
    base = parts.apply(MemberStats.objects.filter(org=org)).filter(*parts.always)
    grouped = ("level", "status", "role", "tag")  # their conditions are checked in Python
    holds = {
        f"holds_{facet}": ExpressionWrapper(condition, output_field=BooleanField())
        for facet, condition in parts.facets.items()
        if facet not in grouped
    }
    groups = list(
        base.annotate(**holds)
        .order_by()
        .values(EFFECTIVE_LEVEL, "status", "role", "tag_ids", *holds)
        .annotate(n=Count("*"))  # not Count("pk"): the facet index has no room for it
    )
    chosen: dict[str, set[str] | None] = {
        "level": set(filters.levels) or None,
        "status": set(filters.statuses) or None,
        "role": {filters.role} if filters.role else None,
    }
    wanted_tags = set(filters.tags)
    for group in groups:
        values = {
            "level": NOT_SCORED if group[EFFECTIVE_LEVEL] is None else group[EFFECTIVE_LEVEL],
            "status": group["status"],
            "role": group["role"],
        }
        group["value"] = values
        for facet in ("level", "status", "role"):
            wanted = chosen[facet]
            group[f"holds_{facet}"] = wanted is None or values[facet] in wanted
        group["holds_tag"] = not wanted_tags or bool(wanted_tags.intersection(group["tag_ids"]))

    def matching(*, leaving_out: str | None = None):
        for group in groups:
            if all(group[f"holds_{facet}"] for facet in parts.facets if facet != leaving_out):
                yield group

    facets: dict[str, Any] = {
        facet: dict.fromkeys(values, 0) for facet, values in FACET_VALUES.items()
    }
    for facet in FACET_VALUES:
        for group in matching(leaving_out=facet):
            key = group["value"][facet]
            if key in facets[facet]:
                facets[facet][key] += group["n"]
    tags: dict[int, int] = {}
    for group in matching(leaving_out="tag"):
        for tag in group["tag_ids"]:
            tags[tag] = tags.get(tag, 0) + group["n"]
    facets["tag"] = tags
    return {"total": sum(group["n"] for group in matching()), "facets": facets}


def membership_tags(*, membership_ids: list[int]) -> dict[int, list[Tag]]:
    """Return the tags of each membership (one query)."""
    result: dict[int, list[Tag]] = {}
    links = (
        MembershipTag.objects.filter(membership_id__in=membership_ids)
        .select_related("tag")
        .order_by("tag__name")
    )
    for link in links:
        result.setdefault(link.membership_id, []).append(link.tag)
    return result
