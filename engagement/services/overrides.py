"""Admin overrides: the admin's level wins until cleared; history is never deleted."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from engagement.errors import EngagementError
from engagement.models import EngagementOverride, Level
from orgs.models import Membership

REASON_MAX = 1000


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise EngagementError("Say why you are overriding the level.", code="reason_required")
    if len(reason) > REASON_MAX:
        raise EngagementError(
            f"Keep the reason under {REASON_MAX} characters.", code="reason_too_long"
        )
    return reason


def _lock_active(membership: Membership) -> EngagementOverride | None:
    # Lock the membership row so two admins overriding at once queue up instead of
    # colliding on the one-active-override constraint.
    Membership.objects.select_for_update().filter(pk=membership.pk).first()
    return EngagementOverride.objects.filter(
        org_id=membership.org_id, membership=membership, cleared_at__isnull=True
    ).first()


@transaction.atomic
def override_set(
    *,
    membership: Membership,
    level: str,
    reason: str,
    acting_user,
    now: datetime | None = None,
) -> EngagementOverride:
    """Set an admin's level for `membership`, replacing (clearing) any active override.

    Precondition: `acting_user` is an admin of `membership.org` (the view checked).
    Raises `EngagementError` for an unknown level or a missing reason; nothing is
    written then.
    """
    if level not in Level.values:
        raise EngagementError("Pick one of the listed levels.", code="unknown_level")
    reason = _clean_reason(reason, required=True)
    now = now or timezone.now()
    active = _lock_active(membership)
    if active is not None:
        active.cleared_at = now
        active.cleared_by = acting_user
        active.clear_reason = "Replaced by a new override."
        active.save(update_fields=["cleared_at", "cleared_by", "clear_reason"])
    return EngagementOverride.objects.create(
        org_id=membership.org_id,
        membership=membership,
        level=level,
        reason=reason,
        by=acting_user,
        at=now,
    )


@transaction.atomic
def override_clear(
    *,
    membership: Membership,
    acting_user,
    reason: str = "",
    now: datetime | None = None,
) -> EngagementOverride:
    """Clear the active override of `membership`: the computed level applies again.

    The row stays (with who cleared it, when and why). Raises `EngagementError`
    when there is no active override.
    """
    reason = _clean_reason(reason, required=False)
    active = _lock_active(membership)
    if active is None:
        raise EngagementError("There is no override to clear.", code="no_override")
    active.cleared_at = now or timezone.now()
    active.cleared_by = acting_user
    active.clear_reason = reason
    active.save(update_fields=["cleared_at", "cleared_by", "clear_reason"])
    return active
