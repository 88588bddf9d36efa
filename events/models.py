"""Events of an org: created in ASTN or synced from lu.ma / an iCal feed.

`events` knows nothing of attendance or programs (DESIGN §3): the RSVP widget, the
attendance records and programs point at `Event` from the apps above.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone as dj_timezone

from astn.accounts.models import validate_timezone
from orgs.models import Organization


class EventQuerySet(models.QuerySet):
    def for_org(self, org: Organization):
        return self.filter(org=org)

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
        indexes = [models.Index(fields=["org", "status", "start"])]

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
