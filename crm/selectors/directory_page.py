"""One page of the member directory: its rows and its counts, in a constant number of
queries (see `crm.selectors.directory` for the filters and the read model)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce

from crm.models import MemberStats
from crm.selectors.directory import (
    EFFECTIVE_LEVEL,
    DirectoryFilters,
    directory_facets,
    directory_listing,
    display_name,
    sort_order,
)
from orgs.models import Organization


@dataclass(frozen=True)
class PageRow:
    """One person on a directory page, as the directory shows them."""

    pk: int
    display: str
    email: str
    headline: str  # "" when the member hides their profile
    status: str
    role: str
    effective_level: str | None
    level_overridden: bool
    last_active_at: datetime | None
    events_attended: int | None  # None when the member hides their attendance
    joined_at: datetime | None
    city: str  # "" when unknown or hidden
    tag_ids: list[int]


@dataclass(frozen=True)
class DirectoryPage:
    rows: list[PageRow]
    number: int
    num_pages: int
    total: int
    page_size: int
    facets: dict[str, Any]
    clamped: bool  # the page asked for was past the end (or not a number)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def start_index(self) -> int:
        return 0 if not self.total else (self.number - 1) * self.page_size + 1

    @property
    def end_index(self) -> int:
        return min(self.total, self.number * self.page_size)


def directory_page(
    *, org: Organization, filters: DirectoryFilters, page: str | int | None, page_size: int
) -> DirectoryPage:
    """Return one page of the directory with its facets, in a constant number of queries."""
    summary = directory_facets(org=org, filters=filters)
    total = summary["total"]
    num_pages = max(1, -(-total // page_size))
    try:
        number = int(page or 1)
    except (TypeError, ValueError):
        number = 0
    clamped = page not in (None, "") and not 1 <= number <= num_pages
    number = min(max(number, 1), num_pages)
    return DirectoryPage(
        rows=page_rows(org=org, filters=filters, offset=(number - 1) * page_size, limit=page_size),
        number=number,
        num_pages=num_pages,
        total=total,
        page_size=page_size,
        facets=summary["facets"],
        clamped=clamped,
    )


def page_rows(
    *, org: Organization, filters: DirectoryFilters, offset: int, limit: int
) -> list[PageRow]:
    """The people at `offset`…`offset + limit` of the sorted directory, in one query.

    The page's ids are picked in a subquery on the read model alone (by index for every
    sort; a deep page skips rows there, not joins), and only those rows are joined with
    the membership, account and profile for what the read model does not hold: the name
    as written, the email, the headline, the date joined. Everything else — level,
    override, last active, events, city, tags — is the read model's, so a page shows
    exactly the values it was sorted and filtered by.
    """
    ids = directory_listing(org=org, filters=filters).values("membership_id")
    rows = (
        MemberStats.objects.filter(org=org, membership_id__in=ids[offset : offset + limit])
        .order_by(*sort_order(filters.sort))
        .values_list(
            # In `PageRow`'s field order (positional: some share a name with a column).
            "membership_id",
            display_name("membership__"),
            "membership__email",
            Case(
                When(
                    profile_visible=True,
                    then=Coalesce(F("membership__user__profile__headline"), Value("")),
                ),
                default=Value(""),
            ),
            "status",
            "role",
            EFFECTIVE_LEVEL,
            "level_overridden",
            "last_active_at",
            "events_shown",
            "membership__joined_at",
            Coalesce("city", Value("")),
            "tag_ids",
        )
    )
    return [PageRow(*row) for row in rows]
