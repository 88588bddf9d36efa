"""Events of an org: created in ASTN or synced from lu.ma / an iCal feed.

`events` knows nothing of attendance or programs (DESIGN §3): the RSVP widget, the
attendance records and programs point at `Event` from the apps above.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone as dj_timezone

from astn.accounts.models import validate_timezone
from astn.core.scope import OrgScopedQuerySet
from orgs.models import Organization


class EventQuerySet(OrgScopedQuerySet):
    """Org-scoped (`astn.core.scope`): inside an org-admin view, filter by `for_org(org)`."""

    org_path = "org"

    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def visible(self):
        """What members may see: published and cancelled (a cancelled event keeps its page)."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def upcoming(self, now=None):
        return self.filter(end__gte=now or dj_timezone.now())

    def past(self, now=None):
        return self.filter(end__lt=now or dj_timezone.now())


class Event(models.Model):
    class EventType(models.TextChoices):
        MEETUP = "meetup", "Meetup"
        WORKSHOP = "workshop", "Workshop"
        TALK = "talk", "Talk"
        SOCIAL = "social", "Social"
        READING_GROUP = "reading_group", "Reading group"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    class Source(models.TextChoices):
        MANUAL = "manual", "Created in ASTN"
        LUMA = "luma", "lu.ma"
        ICAL = "ical", "iCal feed"
        IMPORT = "import", "Attendance import"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=20000)
    event_type = models.CharField(
        max_length=20, choices=EventType.choices, default=EventType.MEETUP
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    location = models.CharField(max_length=300, blank=True)
    is_online = models.BooleanField(default=False)
    virtual_link = models.URLField(blank=True, max_length=1000)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    external_id = models.CharField(max_length=255, blank=True)
    external_url = models.URLField(blank=True, max_length=1000)
    # RFC 5545: bumped on every change members would care about; the UID never changes.
    sequence = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # True when a sync cancelled it (gone upstream): only then may a later sync revive it.
    # An admin's cancellation is final, whatever the calendar upstream says.
    cancelled_by_sync = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="events_event_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["org", "source", "external_id"],
                condition=~models.Q(external_id=""),
                name="events_event_external_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["org", "status", "start"]),
            # The jobs scan all orgs by status and a time: reminders and prompts by
            # start / end, announcements by published_at.
            models.Index(fields=["status", "end"], name="events_status_end_idx"),
            models.Index(fields=["status", "start"], name="events_status_start_idx"),
            models.Index(fields=["status", "published_at"], name="events_status_published_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/orgs/{self.org.slug}/events/{self.pk}/"

    @property
    def is_past(self) -> bool:
        return self.end < dj_timezone.now()

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def ical_uid(self) -> str:
        return f"event-{self.pk}@astn"

    @property
    def is_synced(self) -> bool:
        """True for events owned by a calendar upstream (their details are edited there)."""
        return self.source in (self.Source.LUMA, self.Source.ICAL)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class SyncLogQuerySet(OrgScopedQuerySet):
    org_path = "org"


class SyncLog(models.Model):
    """One run of a calendar sync (lu.ma or an iCal feed) for one org: what changed, or why not.

    A failed run changed nothing (the sync is one transaction); its `error` says why in
    words an org admin can act on.
    """

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Hourly job"
        MANUAL = "manual", "Sync now"
        SETUP = "setup", "Source saved"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="sync_logs")
    source = models.CharField(
        max_length=10, choices=[(Event.Source.LUMA, "lu.ma"), (Event.Source.ICAL, "iCal feed")]
    )
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=dj_timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    # Skipped entries with reasons, and counters added by receivers (e.g. lu.ma guests).
    details = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    objects = SyncLogQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["org", "-started_at"])]

    def __str__(self) -> str:
        outcome = "ok" if self.ok else "failed"
        when = f"{self.started_at:%Y-%m-%d %H:%M}"
        return f"{self.get_source_display()} sync of {self.org} at {when} ({outcome})"

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated or self.cancelled)
