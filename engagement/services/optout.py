"""The member's AI opt-out, from /me/engagement/ (the same flag as on /me/settings/)."""

from __future__ import annotations

from django.db import transaction

from astn.accounts.models import PrivacySettings
from engagement.privacy import ai_results_withdraw


@transaction.atomic
def ai_opt_out_set(*, user, opted_out: bool) -> bool:
    """Set `PrivacySettings.ai_classification_opt_out`; return True if it changed.

    Opting out replaces the member's AI results by the rules result at once
    (`engagement.privacy.ai_results_withdraw`; the same happens when the flag is
    changed on /me/settings/, through a receiver); opting back in lets the next
    recompute send their counts again.
    """
    privacy, _ = PrivacySettings.objects.select_for_update().get_or_create(user=user)
    if privacy.ai_classification_opt_out == opted_out:
        return False
    privacy.ai_classification_opt_out = opted_out
    privacy.save(update_fields=["ai_classification_opt_out", "updated_at"])
    if opted_out:
        ai_results_withdraw(user=user)
    return True
