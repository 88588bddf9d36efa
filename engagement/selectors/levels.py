"""Effective levels for lists: the active override, else the computed level — in SQL.

The CRM directory filters and sorts 20,000 memberships by level, so nothing here
loops in Python: `memberships_with_engagement` adds annotations to any Membership
queryset, and `.filter(effective_level=...)` / `.order_by("-engagement_rank")` run
in the database.
"""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from engagement.models import LEVEL_RANK, Level
from orgs.models import Membership, Organization

# Shown (and sorted) like this everywhere: most engaged first.
LEVEL_ORDER = [
    Level.HIGHLY_ENGAGED,
    Level.MODERATE,
    Level.NEW,
    Level.AT_RISK,
    Level.INACTIVE,
]


def memberships_with_engagement(queryset: QuerySet[Membership]) -> QuerySet[Membership]:
    """Annotate memberships with their engagement, for filtering and sorting in SQL.

    Adds:

    - ``effective_level``: the active override's level, else the computed level, else
      None (never computed yet — a membership created since the last run);
    - ``computed_level``: the computed level (None if never computed);
    - ``engagement_score``: 0–100 or None;
    - ``engagement_rank``: 0 (inactive) … 4 (highly engaged), -1 when unknown — order
      by ``-engagement_rank`` for "most engaged first";
    - ``last_active_at``: the newest activity (None if none);
    - ``level_overridden``: True when an admin's override is in force;
    - ``engagement_source``: ``"llm"`` or ``"rules"`` (None if never computed).

    Two LEFT JOINs: the score, and the active override (a ``FilteredRelation``). At most
    one override per membership is active (the partial unique constraint
    ``engagement_one_active_override``), so the join never multiplies rows — and unlike a
    correlated subquery it costs the same inside the CRM directory's facet counts, which
    count every level under every other filter. Filter with
    ``.filter(effective_level="at_risk")``.
    """
    queryset = queryset.annotate(
        active_override=FilteredRelation(
            "engagement_overrides",
            condition=Q(engagement_overrides__cleared_at__isnull=True),
        )
    )
    queryset = queryset.annotate(
        computed_level=F("engagement__level"),
        engagement_score=F("engagement__score"),
        last_active_at=F("engagement__last_active_at"),
        engagement_source=F("engagement__source"),
        level_overridden=ExpressionWrapper(
            Q(active_override__id__isnull=False), output_field=BooleanField()
        ),
        effective_level=Coalesce(F("active_override__level"), F("engagement__level")),
    )
    return queryset.annotate(
        engagement_rank=Case(
            *[When(effective_level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()],
            default=Value(-1),
            output_field=IntegerField(),
        )
    )


def scored_memberships(*, org: Organization) -> QuerySet[Membership]:
    """The memberships engagement covers: members and contacts, not people who left."""
    return Membership.objects.for_org(org).exclude(status=Membership.Status.LEFT)


def level_distribution(*, org: Organization) -> list[dict]:
    """Count members and contacts per effective level, in `LEVEL_ORDER`, plus "not computed".

    Returns ``[{"level": code, "label": str, "count": int}, ...]``; the last entry has
    level None for members never computed.
    """
    annotated = memberships_with_engagement(scored_memberships(org=org))
    # django-stubs cannot see the annotations added by memberships_with_engagement.
    grouped = annotated.values("effective_level").annotate(n=Count("pk"))  # type: ignore[misc]
    counts = {row["effective_level"]: row["n"] for row in grouped}
    rows = [
        {"level": level.value, "label": level.label, "count": counts.get(level.value, 0)}
        for level in LEVEL_ORDER
    ]
    rows.append({"level": None, "label": "Not computed yet", "count": counts.get(None, 0)})
    return rows
