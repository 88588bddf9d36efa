"""Secrets at rest: re-encrypting every org's lu.ma key with the current first key."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from events.crypto import SecretUnreadable, rotate
from orgs.models import Organization


@dataclass
class RotationResult:
    rotated: int = 0
    unreadable: list[str] = field(default_factory=list)  # org slugs


def luma_keys_rotate() -> RotationResult:
    """Re-encrypt each stored lu.ma key with the first `FIELD_ENCRYPTION_KEY`.

    One short transaction per org (the row locked while it is rewritten), so a
    sync or a settings change meanwhile is never overwritten with a stale value.
    A key no configured key can read is left as it is and reported: that org must
    enter its key again.
    """
    result = RotationResult()
    org_ids = (
        Organization.objects.exclude(luma_api_key_encrypted="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for org_id in org_ids:
        with transaction.atomic():
            org = (
                Organization.objects.select_for_update()
                .filter(pk=org_id)
                .only("pk", "slug", "luma_api_key_encrypted")
                .first()
            )
            if org is None or not org.luma_api_key_encrypted:
                continue
            try:
                org.luma_api_key_encrypted = rotate(org.luma_api_key_encrypted)
            except SecretUnreadable:
                result.unreadable.append(org.slug)
                continue
            org.save(update_fields=["luma_api_key_encrypted"])
            result.rotated += 1
    return result
