"""Tags, notes and the export audit log: what an org's admins keep about people."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from orgs.models import Membership, Organization


class TagQuerySet(models.QuerySet):
    def for_org(self, org: Organization):
        return self.filter(org=org)


class Tag(models.Model):
    """An org-scoped label with a colour, put on memberships by admins."""

    class Colour(models.TextChoices):
        GREY = "secondary", "Grey"
        BLUE = "primary", "Blue"
        GREEN = "success", "Green"
        RED = "danger", "Red"
        YELLOW = "warning", "Yellow"
        TEAL = "info", "Teal"
        DARK = "dark", "Black"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="crm_tags")
    name = models.CharField(max_length=40)
    colour = models.CharField(max_length=12, choices=Colour.choices, default=Colour.BLUE)
    created_at = models.DateTimeField(auto_now_add=True)
    memberships = models.ManyToManyField(
        Membership, through="MembershipTag", related_name="crm_tags", blank=True
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("name"), "org", name="crm_tag_unique_name_per_org"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MembershipTag(models.Model):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tag", "membership"], name="crm_membershiptag_unique")
        ]

    def __str__(self) -> str:
        return f"{self.tag} on {self.membership_id}"


class MemberNoteQuerySet(models.QuerySet):
    def for_org(self, org: Organization):
        return self.filter(membership__org=org)


class MemberNote(models.Model):
    """An admin's note on a membership: seen by that org's admins only, never by the member,
    another org or the LLM."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="crm_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=20_000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["membership", "-created_at"])]

    def __str__(self) -> str:
        return f"Note on {self.membership_id}"


class ExportLogQuerySet(models.QuerySet):
    def for_org(self, org: Organization):
        return self.filter(org=org)


class ExportLog(models.Model):
    """Who exported what view of the directory, when, and how many rows — never the rows."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="crm_exports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    format = models.CharField(max_length=8, choices=Format.choices, default=Format.CSV)
    filters = models.JSONField(default=dict, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExportLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Export of {self.row_count} rows"


class MemberStats(models.Model):
    """Per-membership figures the directory sorts and filters by, kept current from
    attendance's signals (`crm.receivers`) and rebuilt nightly.

    A cache, never the truth: `crm.services.stats.member_stats_refresh` recomputes any
    row from `attendance` at any time. Sorting 20,000 people by events attended from
    300,000 attendance rows on every page view would not fit the 50 ms budget; an
    index on this table does.
    """

    membership = models.OneToOneField(
        Membership, primary_key=True, on_delete=models.CASCADE, related_name="crm_stats"
    )
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    events_attended = models.PositiveIntegerField(default=0)
    last_attended_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "member stats"
        indexes = [models.Index(fields=["org", "-events_attended"], name="crm_stats_org_events")]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.events_attended} attended"
