"""What the engagement panel and badge show for one membership."""

from __future__ import annotations

from dataclasses import dataclass, field

from engagement.models import (
    EngagementOverride,
    EngagementScore,
    EngagementSnapshot,
    Level,
)
from orgs.models import Membership


@dataclass
class EngagementPanel:
    """Everything `_engagement_panel.html` renders for one membership."""

    membership: Membership
    score: EngagementScore | None
    override: EngagementOverride | None
    overrides: list[EngagementOverride] = field(default_factory=list)
    snapshots: list[EngagementSnapshot] = field(default_factory=list)

    @property
    def effective_level(self) -> str | None:
        if self.override is not None:
            return self.override.level
        return self.score.level if self.score else None

    @property
    def effective_label(self) -> str:
        level = self.effective_level
        return Level(level).label if level else "Not computed yet"

    @property
    def overridden(self) -> bool:
        return self.override is not None

    @property
    def pending_downgrade_label(self) -> str:
        if self.score and self.score.pending_downgrade_level:
            return Level(self.score.pending_downgrade_level).label
        return ""


def engagement_panel_get(*, membership: Membership, history: int = 10) -> EngagementPanel:
    """Load the score, the active override and recent history of one membership.

    The caller has already checked that the viewer may see `membership` (e.g. through
    `orgs.selectors.access_membership_as_admin`). Three queries.
    """
    score = EngagementScore.objects.filter(org_id=membership.org_id, membership=membership).first()
    overrides = list(
        EngagementOverride.objects.filter(org_id=membership.org_id, membership=membership)
        .select_related("by", "cleared_by")
        .order_by("-at", "-pk")[:history]
    )
    active = next((o for o in overrides if o.cleared_at is None), None)
    snapshots = list(
        EngagementSnapshot.objects.filter(membership=membership).order_by("-computed_at", "-pk")[
            :history
        ]
    )
    return EngagementPanel(
        membership=membership,
        score=score,
        override=active,
        overrides=overrides,
        snapshots=snapshots,
    )
