"""Tags, notes and the export audit log: what an org's admins keep about people."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
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
    """The directory's read model: one row per membership with everything the directory
    and the dashboard filter, sort and count by, on one table with its own indexes.

    Two writers keep it, and neither is the truth:

    - the *directory columns* (status … tag_ids) are written by Postgres triggers on the
      tables they come from (memberships, accounts, profiles, privacy settings, engagement
      scores and overrides, tags), in the same statement as the change, whoever makes it
      — a service, a bulk update, the Django admin. See
      `crm/migrations/0006_directory_triggers.py`;
    - the *attendance columns* (`events_attended`, `last_attended_at`) by
      `crm.services.stats.member_stats_refresh`, run from attendance's and events'
      signals.

    The nightly job rebuilds both from the truth. Joining 20,000 memberships with five
    other tables on every directory view did not fit the 50 ms budget (DESIGN §11); one
    narrow table with an index per sort does. Privacy is applied when a row is written:
    a hidden profile leaves `city` / `career_stage` / the headline out of the row and
    `profile_visible` false, so no filter or sort can reveal them.
    """

    membership = models.OneToOneField(
        Membership, primary_key=True, on_delete=models.CASCADE, related_name="crm_stats"
    )
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # Attendance columns (crm.services.stats).
    events_attended = models.PositiveIntegerField(default=0)
    last_attended_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(auto_now=True)
    # Directory columns (Postgres triggers, crm/sql/member_directory.sql).
    status = models.CharField(max_length=10, blank=True)
    role = models.CharField(max_length=10, blank=True)
    has_account = models.BooleanField(default=False)
    sort_name = models.TextField(blank=True)  # lower-cased display name
    search = models.TextField(blank=True)  # NAME, EMAIL AND (IF SHOWN) HEADLINE, upper-cased
    city = models.CharField(max_length=100, null=True, blank=True)  # None: none or hidden
    career_stage = models.CharField(max_length=20, blank=True)
    profile_visible = models.BooleanField(default=True)
    attendance_visible = models.BooleanField(default=True)
    effective_level = models.CharField(max_length=20, null=True, blank=True)
    level_overridden = models.BooleanField(default=False)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    last_active_at = models.DateTimeField(null=True, blank=True)
    tag_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    # What the directory shows and sorts by: unknown when the member hides attendance.
    events_shown = models.GeneratedField(
        expression=models.Case(
            models.When(attendance_visible=True, then=models.F("events_attended")),
            default=None,
        ),
        output_field=models.PositiveIntegerField(null=True),
        db_persist=True,
    )

    class Meta:
        verbose_name_plural = "member stats"
        indexes = [
            models.Index(
                models.F("org"),
                models.F("events_shown").desc(nulls_last=True),
                models.F("membership"),
                name="crm_stats_org_events_shown",
            ),
            models.Index(fields=["org", "sort_name", "membership"], name="crm_stats_org_name"),
            models.Index(fields=["org", "effective_level", "score"], name="crm_stats_org_level"),
            models.Index(fields=["org", "last_active_at"], name="crm_stats_org_active"),
            # The directory's facet counts group people by these (`directory_facets`):
            # read in this order by an index-only scan, the groups need no hashing
            # (20,000 rows: 11 ms -> 5 ms).
            models.Index(
                fields=["org", "effective_level", "status", "role", "tag_ids"],
                name="crm_stats_org_facets",
            ),
            # The dashboard's level and career-stage counts: index-only scans of a few
            # dozen pages instead of the whole table (20,000 rows: 6 ms -> 1.3 ms).
            models.Index(
                fields=["org", "effective_level"],
                condition=~models.Q(status="left"),
                name="crm_stats_org_level_count",
            ),
            models.Index(
                fields=["org", "career_stage"],
                condition=models.Q(status="member", has_account=True, profile_visible=True),
                name="crm_stats_org_career_count",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.events_attended} attended"


class MemberActivity(models.Model):
    """When a person was active with the org, for the dashboard's per-period figures.

    Sorted instants on the org's published events: `active_times` holds when the person
    RSVPed and when the events they attended ended (one array, so "active in a period" is
    two binary searches, not four: an RSVP's time is when it was made, never in the
    future, so both kinds are counted up to the period's past end); `interested_times`
    the RSVPs going / maybe / waitlisted. "RSVPs in a period" and "people active in a
    period" are then counted by binary search (`width_bucket`) over one row per person
    instead of every attendance row. Kept with `MemberStats`' attendance columns
    (`member_stats_refresh`); its own table so the directory's rows stay narrow.
    """

    membership = models.OneToOneField(
        Membership, primary_key=True, on_delete=models.CASCADE, related_name="crm_activity"
    )
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    active_times = ArrayField(models.DateTimeField(), default=list, blank=True)
    interested_times = ArrayField(models.DateTimeField(), default=list, blank=True)

    class Meta:
        verbose_name_plural = "member activity"

    def __str__(self) -> str:
        return f"{self.membership_id}: {len(self.interested_times)} RSVPs"


class EventStats(models.Model):
    """Per-event attendance totals for the dashboard's figures and charts.

    Kept like `MemberStats`' attendance columns (after attendance's signals, rebuilt
    nightly); a cache, never the truth. The dashboard sums a few hundred of these rows
    for a period instead of reading every attendance row in it.
    """

    event = models.OneToOneField(
        "events.Event", primary_key=True, on_delete=models.CASCADE, related_name="crm_stats"
    )
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    going = models.PositiveIntegerField(default=0)
    came = models.PositiveIntegerField(default=0)  # going and attended
    attended = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    rating_n = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "event stats"

    def __str__(self) -> str:
        return f"{self.event_id}: {self.came}/{self.going}"
