"""In-app notifications and the email outbox (DESIGN §4, §12).

Every email ASTN sends is a row of `OutboundEmail` first: the row's unique `key`
names the intended message (``reminder:<attendance>:<offset>``), so a job that
runs twice, or on two workers at once, cannot send it twice. See
docs/notifications.md for the lifecycle.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """One entry of a member's in-app notification centre."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # What it is about, dotted like an audit code: "event.announced", "attendance.prompt".
    kind = models.CharField(max_length=50)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=2000)
    # Where clicking it leads: a site path ("/orgs/x/events/3/"), never an outside address.
    url = models.CharField(max_length=500, blank=True)
    # Optional idempotency key, like the outbox's: a job that runs twice notifies once.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notif_user_created_idx"),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notif_user_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.user}"

    ICONS = {
        "event": "calendar-event",
        "reminder": "alarm",
        "attendance": "check2-circle",
        "community": "people",
        "match": "people",
        "org": "building",
    }

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def icon(self) -> str:
        """Return the bootstrap-icons name for this kind ("bell" when unknown)."""
        return self.ICONS.get(self.kind.split(".", 1)[0], "bell")


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # The recipient switched the category off between enqueueing and sending.
    CANCELLED = "cancelled", "Cancelled (unsubscribed)"


class OutboundEmail(models.Model):
    """One intended email, from enqueueing to sent (or failed, visibly).

    `next_attempt_at` is both the schedule and the lease: a sender that claims a
    row pushes it forward, so a row whose sender died becomes due again and the
    sweeper sends it; a transient failure pushes it forward by the backoff.
    """

    key = models.CharField("idempotency key", max_length=200, unique=True)
    to = models.EmailField(max_length=254)
    # The account it was sent to, when there is one (unsubscribe, deletion, the admin).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbound_emails",
    )
    subject = models.CharField(max_length=255)
    # Template name without extension: "<template>.html" and "<template>.txt" are rendered.
    template = models.CharField(max_length=200)
    context = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    # Unsubscribe category ("reminders", ...) for non-transactional email; blank = transactional.
    category = models.CharField(max_length=20, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # [{"filename": "event.ics", "content": "...", "mimetype": "text/calendar"}]; binary
    # content is base64 with "base64": true.
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "outbound email"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sender's claim query: due queued rows, oldest first.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="queued"),
                name="outbox_due_idx",
            ),
            models.Index(fields=["status", "-created_at"], name="outbox_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sent", "failed", "cancelled"]),
                name="outbox_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outbox_sent_has_sent_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to} [{self.status}]"
