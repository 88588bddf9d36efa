"""Programs (reading groups, fellowships, courses) and who is enrolled in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from events.models import Event
from orgs.models import Membership, Organization


class ProgramQuerySet(models.QuerySet):
    def for_org(self, org: Organization):
        return self.filter(org=org)

    def active(self):
        return self.filter(status=Program.Status.ACTIVE)


class Program(models.Model):
    class Kind(models.TextChoices):
        READING_GROUP = "reading_group", "Reading group"
        FELLOWSHIP = "fellowship", "Fellowship"
        COURSE = "course", "Course"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    class CompletionRule(models.TextChoices):
        ATTEND_N = "attend_n", "Attend at least N sessions"
        MANUAL = "manual", "An admin marks completion"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="crm_programs")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.READING_GROUP)
    description = models.TextField(blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    open_for_requests = models.BooleanField(
        default=False, help_text="Members can ask to join; an admin approves."
    )
    completion_rule = models.CharField(
        max_length=12, choices=CompletionRule.choices, default=CompletionRule.ATTEND_N
    )
    required_sessions = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    sessions = models.ManyToManyField(
        Event, through="ProgramSession", related_name="crm_programs", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["org", "status"])]

    def __str__(self) -> str:
        return self.name


class ProgramSession(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE)
    event = models.ForeignKey(Event, on_delete=models.CASCADE)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "event"], name="crm_programsession_unique")
        ]

    def __str__(self) -> str:
        return f"{self.program_id}:{self.event_id}"


class EnrollmentQuerySet(models.QuerySet):
    def for_org(self, org: Organization):
        return self.filter(program__org=org)


class Enrollment(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ENROLLED = "enrolled", "Enrolled"
        COMPLETED = "completed", "Completed"
        DROPPED = "dropped", "Dropped"
        DECLINED = "declined", "Declined"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="crm_enrollments"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ENROLLED)
    requested_at = models.DateTimeField(null=True, blank=True)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    dropped_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.CharField(max_length=500, blank=True)
    status_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    manual = models.BooleanField(
        default=False, help_text="Status set by an admin; automatic completion leaves it alone."
    )

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "membership"], name="crm_enrollment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} in {self.program_id}"
