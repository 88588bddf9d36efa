"""Follow-ups: an admin's note-to-self about a member, created from an insight row.

A follow-up has a kind (advocacy, outreach, other), an assignee among the org's admins
and a due date that is not in the past; it is open until done or dismissed.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from crm.models import FollowUp
from orgs.models import Membership


class FollowUpError(Exception):
    """A follow-up that cannot be saved; `field` names the form field it belongs to."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _today_for(user) -> date:
    """Today where the admin is (their profile's zone), so "today" is never "the past"."""
    from events.services.mailing import member_zone

    return timezone.localdate(timezone=member_zone(user))


@transaction.atomic
def followup_create(
    *,
    membership: Membership,
    kind: str,
    note: str = "",
    assignee=None,
    due_on: date | None = None,
    acting_user,
) -> FollowUp:
    """Create an open follow-up about `membership` (of the admin's org).

    Raise `FollowUpError` for a due date in the past (in the admin's zone), an assignee
    who is not an admin of the org, or an unknown kind.
    """
    if kind not in FollowUp.Kind.values:
        raise FollowUpError("Choose advocacy, outreach or other.", field="kind")
    if due_on is not None and due_on < _today_for(acting_user):
        raise FollowUpError("The due date is in the past; pick today or later.", field="due_on")
    if assignee is not None and not (
        Membership.objects.admins().filter(org_id=membership.org_id, user=assignee).exists()
    ):
        raise FollowUpError("Assign it to an admin of this organisation.", field="assignee")
    return FollowUp.objects.create(
        membership=membership,
        kind=kind,
        note=(note or "").strip(),
        assignee=assignee,
        due_on=due_on,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )


@transaction.atomic
def followup_close(*, followup: FollowUp, status: str) -> FollowUp:
    """Mark a follow-up done or dismissed (or open it again)."""
    if status not in FollowUp.Status.values:
        raise FollowUpError("Choose done, dismissed or open.")
    followup.status = status
    followup.closed_at = None if status == FollowUp.Status.OPEN else timezone.now()
    followup.save(update_fields=["status", "closed_at"])
    return followup
