"""Recording activity: the one entry point for every app that tells engagement what happened.

Higher apps (`crm`, `communities`) call `activity_record`; lower apps are heard through
their signals (`engagement.receivers`). Both end here, so the rules — known kinds,
metadata without personal data, idempotency by `dedupe_key` — hold for everyone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from engagement.models import Activity, EngagementScore
from orgs.models import Membership

# Metadata is for ids, enums and counts. A string value must look like a code, so
# names, emails, titles and free text cannot slip in (DESIGN §12, privacy).
_CODE = re.compile(r"^[a-z0-9_.:-]{0,40}$")
_MAX_METADATA_KEYS = 12


class ActivityError(ValueError):
    """An activity that cannot be recorded (unknown kind, personal data in metadata)."""


def _clean_metadata(metadata: dict | None) -> dict:
    if not metadata:
        return {}
    if not isinstance(metadata, dict) or len(metadata) > _MAX_METADATA_KEYS:
        raise ActivityError("Activity metadata must be a small dict of ids, codes and counts.")
    clean: dict = {}
    for key, value in metadata.items():
        if not isinstance(key, str) or not _CODE.match(key):
            raise ActivityError(f"Metadata key {key!r} is not a plain code.")
        plain_code = isinstance(value, str) and _CODE.match(value)
        if value is None or isinstance(value, bool | int | float) or plain_code:
            clean[key] = value
        else:
            raise ActivityError(
                f"Metadata {key!r} must be a number, a boolean or a short lowercase code "
                "(no names, emails or free text)."
            )
    return clean


def _kind(kind: str) -> str:
    if kind not in Activity.Kind.values:
        raise ActivityError(f"Unknown activity kind {kind!r}.")
    return str(kind)


@dataclass(frozen=True)
class ActivityItem:
    """One activity for `activity_record_many`."""

    membership_id: int
    org_id: int
    kind: str
    occurred_at: datetime
    metadata: dict = field(default_factory=dict)
    dedupe_key: str = ""


def _touch_last_active(rows: Iterable[tuple[int, datetime]]) -> None:
    """Move `EngagementScore.last_active_at` forward (never back) for existing scores.

    One UPDATE for all of them: a sync reports activity for a whole event at once.
    """
    newest: dict[int, datetime] = {}
    for membership_id, at in rows:
        if membership_id not in newest or at > newest[membership_id]:
            newest[membership_id] = at
    if not newest:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {EngagementScore._meta.db_table} s SET last_active_at = v.at
            FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(membership_id, at)
            WHERE s.membership_id = v.membership_id
            AND (s.last_active_at IS NULL OR s.last_active_at < v.at)""",  # noqa: S608 - our table
            [list(newest), list(newest.values())],
        )


@transaction.atomic
def activity_record(
    *,
    membership: Membership,
    kind: str,
    occurred_at: datetime | None = None,
    metadata: dict | None = None,
    dedupe_key: str = "",
) -> Activity | None:
    """Record that `membership` did `kind` at `occurred_at` (default: now).

    `metadata` holds ids, lowercase codes and numbers only (`{"event_id": 12}`,
    `{"program_id": 3, "status": "completed"}`); anything that could be personal data
    raises `ActivityError`. With a `dedupe_key` (e.g. ``"enrollment:42"``) the call is
    idempotent: the same (membership, kind, key) is recorded once and the second call
    returns None. Nothing is sent to the model here: the next `engagement_recompute`
    reads the log.
    """
    kind = _kind(kind)
    occurred_at = occurred_at or timezone.now()
    activity = Activity(
        org_id=membership.org_id,
        membership=membership,
        kind=kind,
        occurred_at=occurred_at,
        metadata=_clean_metadata(metadata),
        dedupe_key=dedupe_key[:120],
    )
    if dedupe_key:
        if Activity.objects.filter(
            org_id=membership.org_id,
            membership=membership,
            kind=kind,
            dedupe_key=activity.dedupe_key,
        ).exists():
            return None
        try:
            with transaction.atomic():
                activity.save()
        except IntegrityError:  # a concurrent delivery of the same signal won the race
            return None
    else:
        activity.save()
    _touch_last_active([(membership.pk, occurred_at)])
    return activity


@transaction.atomic
def activity_record_many(*, items: Iterable[ActivityItem]) -> int:
    """Record many activities in one INSERT (imports, syncs); return how many were new.

    Items with a `dedupe_key` that is already recorded are skipped silently.
    """
    rows = [
        Activity(
            org_id=item.org_id,
            membership_id=item.membership_id,
            kind=_kind(item.kind),
            occurred_at=item.occurred_at,
            metadata=_clean_metadata(item.metadata),
            dedupe_key=item.dedupe_key[:120],
        )
        for item in items
    ]
    if not rows:
        return 0
    keyed = [r for r in rows if r.dedupe_key]
    if keyed:
        seen = set(
            Activity.objects.filter(
                org_id__in={r.org_id for r in keyed},
                membership_id__in={r.membership_id for r in keyed},
                dedupe_key__in={r.dedupe_key for r in keyed},
            ).values_list("membership_id", "kind", "dedupe_key")
        )
        fresh: list[Activity] = []
        for r in rows:
            key = (r.membership_id, r.kind, r.dedupe_key)
            if r.dedupe_key and key in seen:
                continue
            seen.add(key)
            fresh.append(r)
        rows = fresh
    # ignore_conflicts covers a concurrent import that recorded the same keys meanwhile.
    Activity.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    _touch_last_active((r.membership_id, r.occurred_at) for r in rows)
    return len(rows)
