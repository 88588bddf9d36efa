"""Reads for engagement.

- `levels`: `memberships_with_engagement` (SQL annotations for lists), `level_distribution`
- `panel`: `engagement_panel_get` (one membership: score, override, history)
"""

from engagement.selectors.levels import (
    LEVEL_ORDER,
    level_distribution,
    memberships_with_engagement,
    scored_memberships,
)
from engagement.selectors.panel import EngagementPanel, engagement_panel_get

__all__ = [
    "LEVEL_ORDER",
    "EngagementPanel",
    "engagement_panel_get",
    "level_distribution",
    "memberships_with_engagement",
    "scored_memberships",
]
