"""The member's side: `/me/export/` section, account deletion, the AI opt-out.

Account deletion removes every engagement row about the person's memberships —
overrides included: "history is never deleted" holds for the org's audit while the
person exists; erasure wins (DESIGN §12).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from engagement.models import (
    Activity,
    ActivityRollup,
    EngagementOverride,
    EngagementScore,
    EngagementSnapshot,
    ScoreSource,
)
from engagement.scoring.rules import rules_result
from orgs.models import Membership


def _memberships(user):
    return Membership.objects.filter(user=user).select_related("org").order_by("org__name")


def engagement_export_for_user(user) -> list[dict]:
    """Everything engagement holds about `user`, per org (AI inputs and answers included)."""
    sections = []
    for membership in _memberships(user):
        score = EngagementScore.objects.filter(membership=membership).first()
        sections.append(
            {
                "org": membership.org.name,
                "activities": list(
                    Activity.objects.filter(membership=membership)
                    .order_by("occurred_at")
                    .values("kind", "occurred_at", "metadata")
                ),
                "monthly_counts": list(
                    ActivityRollup.objects.filter(membership=membership)
                    .order_by("month")
                    .values("kind", "month", "count")
                ),
                "current": None
                if score is None
                else {
                    "level": score.level,
                    "score": score.score,
                    "rationale": score.rationale,
                    "suggested_action": score.suggested_action,
                    "source": score.source,
                    "model": score.model,
                    "computed_at": score.computed_at,
                    "signals": score.signals,
                    "sent_to_model": score.llm_sent,
                    "model_answer": score.llm_answer,
                    "sent_at": score.llm_at,
                },
                "history": list(
                    EngagementSnapshot.objects.filter(membership=membership)
                    .order_by("computed_at")
                    .values("computed_at", "level", "score", "source", "model", "rationale")
                ),
                "overrides": list(
                    EngagementOverride.objects.filter(membership=membership)
                    .order_by("at")
                    .values("level", "reason", "at", "cleared_at")
                ),
            }
        )
    return sections


@transaction.atomic
def engagement_erase_for_user(user) -> None:
    """Delete every engagement row about `user`'s memberships (runs before they are detached)."""
    ids = list(Membership.objects.filter(user=user).values_list("pk", flat=True))
    Activity.objects.filter(membership_id__in=ids).delete()
    ActivityRollup.objects.filter(membership_id__in=ids).delete()
    EngagementSnapshot.objects.filter(membership_id__in=ids).delete()
    EngagementOverride.objects.filter(membership_id__in=ids).delete()
    EngagementScore.objects.filter(membership_id__in=ids).delete()


def engagement_deletion_notes(user) -> list[str]:
    if not EngagementScore.objects.filter(membership__user=user).exists():
        return []
    return [
        "Your engagement levels, their history, what was sent to the AI about you and "
        "any level an admin set for you are deleted."
    ]


@transaction.atomic
def ai_results_withdraw(*, user) -> int:
    """Replace the AI results of `user`'s memberships by the rules result, at once.

    Called when the member opts out of AI classification; the next recompute keeps
    them on rules. Returns how many scores changed. The stored copy of what was sent
    and answered is dropped too (the export no longer holds it).
    """
    from engagement.services.apply import Proposal, proposal_apply

    now = timezone.now()
    scores = list(
        EngagementScore.objects.select_for_update().filter(
            membership__user=user, source=ScoreSource.LLM
        )
    )
    snapshots = []
    for score in scores:
        if not score.signals:
            continue
        rules = rules_result(score.signals)
        proposal = Proposal(
            level=rules.level,
            score=rules.score,
            rationale=rules.rationale,
            suggested_action=rules.suggested_action,
            fallback_reason=EngagementScore.Fallback.OPTED_OUT,
        )
        snapshot = proposal_apply(score, proposal, now=now, is_new=False)
        score.llm_hash = ""
        score.llm_sent, score.llm_answer = {}, {}
        score.save()
        if snapshot:
            snapshots.append(snapshot)
    EngagementSnapshot.objects.bulk_create(snapshots)
    return len(scores)
