"""What engagement hears from the apps below it, turned into `Activity` rows.

Each receiver records with a `dedupe_key`, so a signal delivered twice writes one
row. A receiver never breaks the sender: a failure is logged and dropped (the
signals are sent after commit; the attendance tables stay the source of truth and
the signals SQL reads them directly).
"""

from __future__ import annotations

import functools
import logging

from django.db import connection, transaction

from engagement.models import Activity
from engagement.services.activity import ActivityItem, activity_record, activity_record_many
from events.models import Event

logger = logging.getLogger(__name__)
Kind = Activity.Kind
_INTERESTED = {"going", "maybe", "waitlisted"}


def _safe(receiver):
    @functools.wraps(receiver)
    def wrapper(*args, **kwargs):
        try:
            receiver(*args, **kwargs)
        except Exception:
            logger.exception("engagement: receiver %s failed", receiver.__name__)

    return wrapper


@_safe
def on_attendance_changed(sender, changes=(), **kwargs) -> None:
    """RSVPs and attended marks: `rsvp`, `attended` or `no_show` — one write's worth at once.

    A lu.ma sync of an event arrives as one signal: its activities are written with one
    DELETE and one INSERT, not a few queries per guest.
    """
    if not changes:
        return
    events = {
        pk: (org_id, start)
        for pk, org_id, start in Event.objects.filter(
            pk__in={a.event_id for a, _ in changes}
        ).values_list("pk", "org_id", "start")
    }
    items: list[ActivityItem] = []
    # Only the latest truth counts: a corrected mark replaces the opposite record.
    marks: dict[int, tuple[int, str | None, ActivityItem | None]] = {}
    for attendance, change in changes:
        if attendance.event_id not in events:
            continue
        org_id, start = events[attendance.event_id]
        meta = {"event_id": attendance.event_id, "source": change.source or None}
        if change.field == "rsvp":
            if change.new in _INTERESTED:
                items.append(
                    ActivityItem(
                        membership_id=attendance.membership_id,
                        org_id=org_id,
                        kind=Kind.RSVP,
                        occurred_at=change.at,
                        metadata={**meta, "rsvp": change.new},
                        dedupe_key=f"change:{change.pk}",
                    )
                )
        elif change.field == "attended":
            kind = {"true": Kind.ATTENDED, "false": Kind.NO_SHOW}.get(change.new)
            item = None
            if kind is not None:
                item = ActivityItem(
                    membership_id=attendance.membership_id,
                    org_id=org_id,
                    kind=kind,
                    occurred_at=min(start, change.at),
                    metadata=meta,
                    dedupe_key=f"attendance:{attendance.pk}",
                )
            marks[attendance.pk] = (attendance.membership_id, kind, item)
    with transaction.atomic():
        # Per wanted kind, the opposite records of those attendances go (a key names one
        # attendance, so the two IN lists cannot pair up wrongly).
        by_kind: dict[str | None, list[tuple[int, int]]] = {}
        for attendance_id, (membership_id, wanted, _item) in marks.items():
            by_kind.setdefault(wanted, []).append((membership_id, attendance_id))
        for wanted, pairs in by_kind.items():
            Activity.objects.filter(
                org_id__in={org_id for org_id, _ in events.values()},
                membership_id__in={m for m, _ in pairs},
                dedupe_key__in=[f"attendance:{a}" for _, a in pairs],
                kind__in=[k for k in (Kind.ATTENDED, Kind.NO_SHOW) if k != wanted],
            ).delete()
        items.extend(item for _, _, item in marks.values() if item is not None)
        activity_record_many(items=items)


@_safe
def on_feedback_changed(sender, attendance=None, **kwargs) -> None:
    if attendance is None or (attendance.rating is None and not attendance.feedback):
        return
    activity_record(
        membership=attendance.membership,
        kind=Kind.FEEDBACK,
        metadata={"event_id": attendance.event_id, "rating": attendance.rating},
        dedupe_key=f"attendance:{attendance.pk}",
    )


_IMPORT_SQL = """
INSERT INTO engagement_activity
    (org_id, membership_id, kind, occurred_at, metadata, dedupe_key, created_at)
SELECT e.org_id, a.membership_id, 'attended', e.start,
       jsonb_build_object('event_id', e.id, 'source', 'import'),
       'attendance:' || a.id, now()
FROM attendance_attendance a
JOIN events_event e ON e.id = a.event_id
WHERE e.org_id = %(org)s AND a.event_id = ANY(%(events)s) AND a.attended IS TRUE
ON CONFLICT (membership_id, kind, dedupe_key) WHERE dedupe_key <> '' DO NOTHING
"""

_UNDO_SQL = """
DELETE FROM engagement_activity x
USING attendance_attendance a
WHERE x.org_id = %(org)s AND x.kind = 'attended' AND x.dedupe_key = 'attendance:' || a.id
  AND a.event_id = ANY(%(events)s) AND a.attended IS NOT TRUE
"""


@_safe
def on_attendance_imported(sender, org=None, event_ids=(), undone=False, **kwargs) -> None:
    """An import (or its undo): one set-based statement, then a recompute of the org."""
    if org is None:
        return
    from engagement.services.jobs import recompute_request

    params = {"org": org.pk, "events": list(event_ids)}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_UNDO_SQL if undone else _IMPORT_SQL, params)
    recompute_request(org=org, trigger="import")


@_safe
def on_membership_saved(sender, instance=None, created=False, raw=False, **kwargs) -> None:
    """A new membership: `joined` (a member) or `import` (a contact from a list or lu.ma)."""
    if not created or raw or instance is None:
        return
    kind = Kind.JOINED if instance.status == "member" else Kind.IMPORT

    @_safe
    def record() -> None:
        activity_record(
            membership=instance,
            kind=kind,
            occurred_at=instance.joined_at,
            metadata={"source": instance.source},
            dedupe_key="created",
        )

    transaction.on_commit(record)


@_safe
def on_membership_left(sender, membership=None, reason="", **kwargs) -> None:
    if membership is None or reason != "left":
        return
    activity_record(
        membership=membership,
        kind=Kind.LEFT,
        occurred_at=membership.left_at,
        dedupe_key=f"left:{membership.left_at:%Y%m%d%H%M%S}" if membership.left_at else "left",
    )


@_safe
def on_profile_saved(sender, instance=None, created=False, raw=False, **kwargs) -> None:
    """A member edited their profile: one `profile_updated` per org per day."""
    if created or raw or instance is None:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= {"calendar_token", "updated_at"}:
        return
    from django.utils import timezone

    from orgs.models import Membership

    today = timezone.now()
    for membership in Membership.objects.filter(user_id=instance.user_id).exclude(status="left"):
        activity_record(
            membership=membership,
            kind=Kind.PROFILE_UPDATED,
            occurred_at=today,
            dedupe_key=f"profile:{today:%Y-%m-%d}",
        )


@_safe
def on_privacy_saved(sender, instance=None, created=False, raw=False, **kwargs) -> None:
    """The member opted out of AI classification: switch to the rules result now."""
    if raw or instance is None or not instance.ai_classification_opt_out:
        return
    from engagement.privacy import ai_results_withdraw

    user_id = instance.user_id

    @_safe
    def withdraw() -> None:
        from astn.accounts.models import User

        user = User.objects.filter(pk=user_id).first()
        if user is not None:
            ai_results_withdraw(user=user)

    transaction.on_commit(withdraw)
