"""Putting a computed result on a score: hysteresis and the snapshot timeline.

Pure functions on unsaved model instances; the callers save in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from engagement.models import (
    LEVEL_RANK,
    EngagementScore,
    EngagementSnapshot,
    Level,
    ScoreSource,
)

DOWNGRADE_AFTER = timedelta(days=30)
_TRACKED = (
    "level",
    "score",
    "source",
    "model",
    "rationale",
    "suggested_action",
    "pending_downgrade_level",
)


@dataclass(frozen=True)
class Proposal:
    """A new result for one membership, before hysteresis."""

    level: str
    score: int
    rationale: str
    suggested_action: str
    source: str = ScoreSource.RULES
    model: str = ""
    fallback_reason: str = ""
    fallback_detail: str = ""


def is_downgrade(current: str, new: str) -> bool:
    """A move to a less engaged level; moves into or out of `new` never count."""
    if Level.NEW in (current, new):
        return False
    return LEVEL_RANK[Level(new)] < LEVEL_RANK[Level(current)]


def _tracked(score: EngagementScore) -> tuple:
    return tuple(getattr(score, name) for name in _TRACKED)


def proposal_apply(
    score: EngagementScore, proposal: Proposal, *, now: datetime, is_new: bool
) -> EngagementSnapshot | None:
    """Apply `proposal` to `score` (in memory); return a snapshot when something changed.

    An upgrade applies at once; a downgrade only when the level has stood for 30 days,
    otherwise the current level stays and the downgrade is recorded as pending.
    """
    before = None if is_new else _tracked(score)
    current = None if is_new else score.level
    level = proposal.level
    pending = ""
    pending_at = None
    if current is not None and is_downgrade(current, level):
        due = score.level_changed_at + DOWNGRADE_AFTER
        if now < due:
            pending, pending_at, level = level, due, current
    if current is None or level != current:
        score.level_changed_at = now
    score.level = level
    score.pending_downgrade_level = pending
    score.pending_downgrade_at = pending_at
    score.score = proposal.score
    score.rationale = proposal.rationale
    score.suggested_action = proposal.suggested_action
    score.source = proposal.source
    score.model = proposal.model
    score.fallback_reason = proposal.fallback_reason
    score.fallback_detail = proposal.fallback_detail[:300]
    score.computed_at = now
    if before is not None and before == _tracked(score):
        return None
    return EngagementSnapshot(
        org_id=score.org_id,
        membership_id=score.membership_id,
        level=score.level,
        score=score.score,
        source=score.source,
        model=score.model,
        rationale=score.rationale,
        suggested_action=score.suggested_action,
        signals=score.signals,
        signals_hash=score.signals_hash,
        pending_downgrade_level=score.pending_downgrade_level,
        computed_at=now,
    )
