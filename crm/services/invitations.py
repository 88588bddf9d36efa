"""Personal invitations to an event, sent by an admin from "Whom to invite".

One email per member per event, ever: the `Invitation` row is unique per (event,
membership) and the outbox key is `crm-invite:<event>:<membership>`, so a double click,
a retry or two admins at once send one email. The email is personal ("Based on your
interest in …"), goes through the outbox with the `invitations` unsubscribe category
(RFC 8058 one-click), and is not sent to people who should not get it — each skipped
person is counted by reason, so the admin is told exactly what happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from astn.notifications.models import OutboundEmail
from attendance.models import Attendance
from crm.models import Invitation
from events.models import Event
from orgs.models import Membership

CATEGORY = "invitations"
REASON_MAX = 300


class InvitationError(Exception):
    """The invitations cannot be sent at all (the event is over, cancelled, a draft…)."""


@dataclass
class InvitationResult:
    sent: list[Membership] = field(default_factory=list)
    already_rsvped: int = 0
    already_invited: int = 0
    unsubscribed: int = 0
    muted: int = 0
    no_account: int = 0

    @property
    def skipped(self) -> int:
        return (
            self.already_rsvped
            + self.already_invited
            + self.unsubscribed
            + self.muted
            + self.no_account
        )

    def summary(self) -> str:
        """One sentence for the admin: what was sent and why anyone was left out."""
        n = len(self.sent)
        text = f"Sent {n} invitation{'s' if n != 1 else ''}."
        reasons = [
            (self.already_rsvped, "already RSVPed"),
            (self.already_invited, "already invited"),
            (self.unsubscribed, "unsubscribed from invitations"),
            (self.muted, "muted this organisation"),
            (self.no_account, "have no account to RSVP with"),
        ]
        parts = [f"{count} {why}" for count, why in reasons if count]
        if parts:
            text += f" Skipped {self.skipped}: " + ", ".join(parts) + "."
        return text


def category_enabled_for(user) -> bool:
    """Whether `user` still wants personal invitations (their notification settings)."""
    from astn.notifications import unsubscribe

    prefs = getattr(user, "notification_settings", None)
    if prefs is None:
        return True
    return unsubscribe.category_enabled(prefs, CATEGORY)


def _check_event(event: Event) -> None:
    if event.status != Event.Status.PUBLISHED:
        raise InvitationError(f"“{event.title}” is not published; publish it before inviting.")
    if event.start <= timezone.now():
        raise InvitationError(f"“{event.title}” has already started; invitations are closed.")


@transaction.atomic
def invitations_send(
    *,
    event: Event,
    memberships: Iterable[Membership],
    acting_user,
    reasons: dict[int, str] | None = None,
) -> InvitationResult:
    """Invite `memberships` (of the event's org) to `event`; return who was sent and skipped.

    Skipped and counted: people who already RSVPed (any answer), were invited before,
    switched invitations off, muted the org, or have no account. The emails are queued
    after commit; raise `InvitationError` for an event that takes no RSVPs and
    `ValueError` for a membership of another org (views 404 before that).
    """
    _check_event(event)
    reasons = reasons or {}
    people = list({m.pk: m for m in memberships}.values())
    if any(m.org_id != event.org_id for m in people):
        raise ValueError("memberships must belong to the event's org")
    result = InvitationResult()
    answered = set(
        Attendance.objects.filter(event=event, membership__in=people)
        .exclude(rsvp=Attendance.Rsvp.NONE)
        .values_list("membership_id", flat=True)
    )
    invited = set(
        Invitation.objects.filter(event=event, membership__in=people).values_list(
            "membership_id", flat=True
        )
    )
    users = {
        m.pk: m.user
        for m in Membership.objects.filter(pk__in=[p.pk for p in people]).select_related(
            "user__notification_settings", "user__profile"
        )
    }
    to_invite: list[Membership] = []
    for membership in people:
        user = users.get(membership.pk)
        if membership.pk in answered:
            result.already_rsvped += 1
        elif membership.pk in invited:
            result.already_invited += 1
        elif user is None or membership.status != Membership.Status.MEMBER or not user.is_active:
            result.no_account += 1
        elif membership.muted:
            result.muted += 1
        elif not category_enabled_for(user):
            result.unsubscribed += 1
        else:
            membership.user = user
            to_invite.append(membership)
    by = acting_user if getattr(acting_user, "pk", None) else None
    Invitation.objects.bulk_create(
        [
            Invitation(
                event=event,
                membership=m,
                reason=(reasons.get(m.pk) or "")[:REASON_MAX],
                sent_by=by,
            )
            for m in to_invite
        ],
        ignore_conflicts=True,
    )
    # ignore_conflicts hides a row another admin inserted a moment ago; re-read which are ours.
    created = set(
        Invitation.objects.filter(event=event, membership__in=to_invite, sent_by=by).values_list(
            "membership_id", flat=True
        )
    )
    result.already_invited += len(to_invite) - len(created)
    result.sent = [m for m in to_invite if m.pk in created]
    ids = [m.pk for m in result.sent]
    if ids:
        transaction.on_commit(
            lambda: invitation_emails_queue(event_id=event.pk, membership_ids=ids)
        )
    return result


def invitation_key(event_id: int, membership_id: int) -> str:
    return f"crm-invite:{event_id}:{membership_id}"


def invitation_emails_queue(*, event_id: int, membership_ids: list[int]) -> int:
    """Queue the invitation emails (one INSERT per 500); return how many were new.

    Idempotent by the outbox key, so calling it twice sends nothing twice.
    """
    from astn.notifications.services import email_enqueue_many
    from events.services.mailing import event_item, first_name, member_zone

    # Runs after commit, possibly still inside the admin view's org scope: the id comes
    # from `invitations_send`, which checked the org.
    event = Event.objects.cross_org().select_related("org").get(pk=event_id)
    invitations = Invitation.objects.filter(
        event=event, membership_id__in=membership_ids
    ).select_related("membership__user__profile")
    emails = []
    for invitation in invitations:
        user = invitation.membership.user
        if user is None:
            continue
        item = event_item(event, zone=member_zone(user))
        emails.append(
            {
                "key": invitation_key(event.pk, invitation.membership_id),
                "to": invitation.membership.email or user.email,
                "subject": f"You're invited: {event.title}",
                "template": "crm/email/invitation",
                "context": {
                    "name": first_name(user),
                    "org_name": event.org.name,
                    "item": item,
                    "because": invitation.reason,
                    "reason": f"You get this because an organiser of {event.org.name} invited "
                    "you personally. We send at most one invitation per event.",
                    "preheader": invitation.reason or f"{event.org.name} would love to see you.",
                },
                "category": CATEGORY,
                "user": user,
            }
        )
    queued = email_enqueue_many(emails, skip_unusable=True)
    return len(queued)


def invitation_email_status(*, invitation: Invitation) -> str:
    """The outbox status of one invitation's email ("queued", "sent", …) or ""."""
    email = OutboundEmail.objects.filter(
        key=invitation_key(invitation.event_id, invitation.membership_id)
    ).first()
    return email.status if email else ""
