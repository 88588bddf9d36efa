"""What admins do from insights: follow-ups, and personal invitations to events."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from events.models import Event
from orgs.models import Membership, Organization


class FollowUpQuerySet(models.QuerySet):
    def for_org(self, org: Organization):
        return self.filter(membership__org=org)

    def open(self):
        return self.filter(status=FollowUp.Status.OPEN)


class FollowUp(models.Model):
    class Kind(models.TextChoices):
        ADVOCACY = "advocacy", "Advocacy"
        OUTREACH = "outreach", "Outreach"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DISMISSED = "dismissed", "Dismissed"

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="crm_followups"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OUTREACH)
    note = models.TextField(blank=True, max_length=5000)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "-created_at"]
        indexes = [models.Index(fields=["membership", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} follow-up for {self.membership_id}"


class InvitationQuerySet(models.QuerySet):
    def for_org(self, org: Organization):
        return self.filter(event__org=org)


class Invitation(models.Model):
    """A personal invitation to an event, sent from insights. RSVP and attendance are read
    from `attendance` when conversion is shown (not copied here)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="crm_invitations")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="crm_invitations"
    )
    reason = models.CharField(max_length=300, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "membership"], name="crm_invitation_unique")
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.event_id} for {self.membership_id}"


class InvitationOptOut(models.Model):
    """A person who switched personal invitations off (the `invitations` email category,
    RFC 8058 one-click). Kept per user: it holds for every org."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="crm_invitation_opt_out"
    )
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"No invitations for {self.user_id}"
