"""The timeline sources `crm` registers itself (see `crm.timeline` for the registry).

Lower apps' data is read through their models here (crm sits above them): joining and
leaving (orgs), RSVPs and attendance with their source and feedback (attendance, only
when the member lets admins see their history), engagement changes and overrides
(engagement); and crm's own notes and tags. Higher or parallel features (programs,
community matches) register their own sources.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from attendance.models import Attendance, AttendanceChange
from attendance.selectors import attendance_history_visible_to_admins
from crm import timeline
from crm.models import MemberNote, MembershipTag
from engagement.models import EngagementOverride, EngagementSnapshot, Level
from orgs.models import Membership, Organization

LEVEL_LABELS = dict(Level.choices)
RSVP_LABELS = dict(Attendance.Rsvp.choices)


def _before(queryset, field: str, before: datetime | None):
    return queryset.filter(**{f"{field}__lt": before}) if before else queryset


def membership_entries(*, org: Organization, membership: Membership, before, limit):
    entries = [
        timeline.Entry(
            at=membership.joined_at,
            kind="orgs.joined",
            icon="person-plus",
            tone="success",
            title=(
                "Added as a contact"
                if membership.status == Membership.Status.CONTACT
                else f"Joined {org.name}"
            ),
            badge=membership.get_source_display(),
        )
    ]
    if membership.left_at:
        entries.append(
            timeline.Entry(
                at=membership.left_at, kind="orgs.left", icon="person-dash", title="Left"
            )
        )
    return [entry for entry in entries if before is None or entry.at < before][:limit]


def _attended_text(value: str) -> str:
    return {"true": "attended", "false": "did not attend"}.get(value, "unknown")


def attendance_entries(*, org: Organization, membership: Membership, before, limit):
    if not attendance_history_visible_to_admins(membership=membership):
        return []
    changes = _before(
        AttendanceChange.objects.for_org(org).filter(attendance__membership=membership),
        "at",
        before,
    ).select_related("attendance__event")
    entries = []
    for change in changes.order_by("-at", "-pk")[:limit]:
        event = change.attendance.event
        url = reverse("events:event-detail", kwargs={"slug": org.slug, "event_id": event.pk})
        if change.field == AttendanceChange.Field.RSVP:
            title = f"RSVP {RSVP_LABELS.get(change.new, change.new).lower()} · {event.title}"
            icon, tone = "envelope-check", "primary"
        else:
            title = f"{_attended_text(change.new).capitalize()} · {event.title}"
            icon = "check2-circle" if change.new == "true" else "x-circle"
            tone = "success" if change.new == "true" else "secondary"
        detail = ""
        if not change.applied:
            detail = "Not applied: a more trusted source had already recorded attendance."
            tone = "warning"
        entries.append(
            timeline.Entry(
                at=change.at,
                kind=f"attendance.{change.field}",
                icon=icon,
                tone=tone,
                title=title,
                detail=detail,
                badge=change.get_source_display(),
                url=url,
            )
        )
    return entries


def feedback_entries(*, org: Organization, membership: Membership, before, limit):
    if not attendance_history_visible_to_admins(membership=membership):
        return []
    rows = _before(
        Attendance.objects.for_org(org).filter(membership=membership, rating__isnull=False),
        "updated_at",
        before,
    ).select_related("event")
    return [
        timeline.Entry(
            at=row.updated_at,
            kind="attendance.feedback",
            icon="star",
            tone="warning",
            title=f"Rated {row.event.title} {row.rating}/5",
            detail=row.feedback[:500],
        )
        for row in rows.order_by("-updated_at")[:limit]
    ]


def engagement_entries(*, org: Organization, membership: Membership, before, limit):
    snapshots = _before(
        EngagementSnapshot.objects.filter(org=org, membership=membership), "computed_at", before
    )
    entries = [
        timeline.Entry(
            at=snap.computed_at,
            kind="engagement.snapshot",
            icon="activity",
            tone="info",
            title=f"Engagement: {LEVEL_LABELS.get(snap.level, snap.level)} ({snap.score})",
            detail=snap.rationale[:600],
            badge=snap.get_source_display(),
        )
        for snap in snapshots.order_by("-computed_at", "-pk")[:limit]
    ]
    overrides = EngagementOverride.objects.for_org(org).filter(membership=membership)
    for override in overrides.select_related("by", "cleared_by"):
        who = override.by.display_name if override.by else "an admin"
        entries.append(
            timeline.Entry(
                at=override.at,
                kind="engagement.override",
                icon="pin-angle",
                tone="dark",
                title=f"Level set to {LEVEL_LABELS.get(override.level, override.level)} by {who}",
                detail=override.reason[:600],
                badge="Override",
            )
        )
        if override.cleared_at:
            cleared_by = override.cleared_by.display_name if override.cleared_by else "an admin"
            entries.append(
                timeline.Entry(
                    at=override.cleared_at,
                    kind="engagement.override_cleared",
                    icon="pin",
                    title=f"Override cleared by {cleared_by}",
                    detail=override.clear_reason[:600],
                    badge="Override",
                )
            )
    entries = [entry for entry in entries if before is None or entry.at < before]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)[:limit]


def note_entries(*, org: Organization, membership: Membership, before, limit):
    notes = _before(
        MemberNote.objects.for_org(org).filter(membership=membership), "created_at", before
    ).select_related("author")
    return [
        timeline.Entry(
            at=note.created_at,
            kind="crm.note",
            icon="journal-text",
            tone="primary",
            title=f"Note by {note.author.display_name if note.author else 'a former admin'}",
            template="crm/partials/_timeline_note.html",
            context={
                "note": note,
                "edited": (note.updated_at - note.created_at).total_seconds() > 60,
            },
        )
        for note in notes.order_by("-created_at", "-pk")[:limit]
    ]


def tag_entries(*, org: Organization, membership: Membership, before, limit):
    links = _before(
        MembershipTag.objects.filter(membership=membership, tag__org=org), "added_at", before
    ).select_related("tag", "added_by")
    return [
        timeline.Entry(
            at=link.added_at,
            kind="crm.tag",
            icon="tag",
            title=f"Tagged “{link.tag.name}”",
            badge=link.added_by.display_name if link.added_by else "",
        )
        for link in links.order_by("-added_at")[:limit]
    ]


def register_builtin_sources() -> None:
    for name, fetch in (
        ("orgs.membership", membership_entries),
        ("attendance.changes", attendance_entries),
        ("attendance.feedback", feedback_entries),
        ("engagement.levels", engagement_entries),
        ("crm.notes", note_entries),
        ("crm.tags", tag_entries),
    ):
        timeline.register(timeline.Source(name=name, entries=fetch))
