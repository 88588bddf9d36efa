"""crm's part of a member's `/me/export/` (DESIGN §12: the export holds everything about them).

What the member did or was offered: their program enrolments and personal invitations, and
whether they switched invitations off. Admins' notes, tags and follow-ups are the org's
working records about a membership, shown to that org's admins only (DESIGN §4), and are
not part of the member's self-service export; they go with the membership on deletion.
"""

from __future__ import annotations

from typing import Any

from crm.models import Enrollment, Invitation, InvitationOptOut


def export_for_user(user) -> dict[str, Any]:
    enrollments = (
        Enrollment.objects.filter(membership__user=user)
        .select_related("program__org")
        .order_by("program__org__name", "program__name")
    )
    invitations = (
        Invitation.objects.filter(membership__user=user)
        .select_related("event__org")
        .order_by("-sent_at")
    )
    return {
        "programs": [
            {
                "org": e.program.org.name,
                "program": e.program.name,
                "kind": e.program.kind,
                "status": e.status,
                "requested_at": e.requested_at,
                "enrolled_at": e.enrolled_at,
                "completed_at": e.completed_at,
                "dropped_at": e.dropped_at,
            }
            for e in enrollments
        ],
        "invitations": [
            {
                "org": i.event.org.name,
                "event": i.event.title,
                "event_start": i.event.start,
                "reason": i.reason,
                "sent_at": i.sent_at,
            }
            for i in invitations
        ],
        "personal_invitations_switched_off": InvitationOptOut.objects.filter(user=user).exists(),
    }
