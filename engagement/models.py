"""What members did, and what we concluded from it (DESIGN §4 engagement, §8).

- `Activity`: the log. One row per thing a membership did; full detail for 90
  days, then `retention` folds it into `ActivityRollup` (monthly counts).
- `EngagementScore`: the current computed level of one membership (rules always,
  the LLM where allowed), with what was sent to the model and what it answered.
- `EngagementSnapshot`: one row per computation that changed something.
- `EngagementOverride`: an admin's level with a reason; never deleted, only cleared.
- `LlmUsage`: one row per API call or batch, with tokens and cost.
- `LlmBatch`: a Message Batches job submitted by one run and collected by a later one.
- `RecomputeRun`: progress of one org's recompute, shown by the admin page.

No row holds personal data beyond the membership it points at: `metadata` and
`signals` are ids, kinds and counts only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from astn.core.scope import OrgScopedQuerySet
from orgs.models import Membership, Organization


class Level(models.TextChoices):
    HIGHLY_ENGAGED = "highly_engaged", "Highly engaged"
    MODERATE = "moderate", "Moderate"
    AT_RISK = "at_risk", "At risk"
    NEW = "new", "New"
    INACTIVE = "inactive", "Inactive"


# Higher is more engaged; a move to a lower rank is a downgrade (hysteresis, DESIGN §8).
# `new` sits in the middle: leaving it is never treated as a downgrade.
LEVEL_RANK = {
    Level.INACTIVE: 0,
    Level.AT_RISK: 1,
    Level.NEW: 2,
    Level.MODERATE: 3,
    Level.HIGHLY_ENGAGED: 4,
}


class ScoreSource(models.TextChoices):
    LLM = "llm", "Claude"
    RULES = "rules", "Rules"


class ActivityQuerySet(OrgScopedQuerySet):
    """Org-scoped (`astn.core.scope`): inside an org-admin view or task, `for_org(org)`."""

    org_path = "org"


class Activity(models.Model):
    """One thing a membership did. `metadata` holds ids and enums only, never free text."""

    class Kind(models.TextChoices):
        RSVP = "rsvp", "RSVP"
        ATTENDED = "attended", "Attended an event"
        NO_SHOW = "no_show", "Did not attend"
        FEEDBACK = "feedback", "Gave feedback"
        PROFILE_UPDATED = "profile_updated", "Updated profile"
        JOINED = "joined", "Joined"
        LEFT = "left", "Left"
        IMPORT = "import", "Imported attendance"
        PROGRAM_ENROLLED = "program_enrolled", "Enrolled in a program"
        PROGRAM_COMPLETED = "program_completed", "Completed a program"
        PROGRAM_DROPPED = "program_dropped", "Dropped a program"
        ROUND_JOINED = "round_joined", "Joined a matching round"
        MATCH_MET = "match_met", "Met a match"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    metadata = models.JSONField(default=dict, blank=True)
    # Makes recording idempotent: a signal delivered twice writes one row.
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "kind", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="activity_unique_dedupe_key",
            ),
        ]
        indexes = [
            models.Index(fields=["membership", "occurred_at"]),
            models.Index(fields=["kind", "occurred_at"]),
            models.Index(fields=["org", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.occurred_at:%Y-%m-%d}"


class ActivityRollup(models.Model):
    """Monthly count of one kind of activity for one membership (rows past 90 days)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="activity_rollups"
    )
    kind = models.CharField(max_length=20, choices=Activity.Kind.choices)
    month = models.DateField(help_text="First day of the month (UTC).")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "kind", "month"], name="activity_rollup_unique_month"
            ),
        ]
        indexes = [models.Index(fields=["org", "month"])]

    def __str__(self) -> str:
        return f"{self.kind} × {self.count} in {self.month:%Y-%m}"


class EngagementScoreQuerySet(OrgScopedQuerySet):
    """Org-scoped (`astn.core.scope`): inside an org-admin view or task, `for_org(org)`."""

    org_path = "org"


class EngagementScore(models.Model):
    """The current computed level of one membership (the override is separate)."""

    class Fallback(models.TextChoices):
        NONE = "", "—"
        NO_KEY = "no_key", "No API key configured"
        OPTED_OUT = "opted_out", "Member opted out of AI"
        ORG_OFF = "org_off", "AI classification off for this org"
        INVALID = "invalid", "The model's answer failed validation"
        REFUSED = "refused", "The model declined to answer"
        API_ERROR = "api_error", "The API call failed"
        PENDING = "pending", "Waiting for the model"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="engagement"
    )
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.NEW)
    score = models.PositiveSmallIntegerField(default=0)
    signals = models.JSONField(default=dict, blank=True)
    signals_hash = models.CharField(max_length=64, blank=True)
    rationale = models.TextField(blank=True)
    suggested_action = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=ScoreSource.choices, default=ScoreSource.RULES)
    model = models.CharField(max_length=80, blank=True)
    # Why the rules result stands (blank when the LLM's answer is in force).
    fallback_reason = models.CharField(
        max_length=20, choices=Fallback.choices, blank=True, default=""
    )
    fallback_detail = models.CharField(max_length=300, blank=True)
    # The rules result, always kept, so the page can show both.
    rules_level = models.CharField(max_length=20, choices=Level.choices, default=Level.NEW)
    rules_score = models.PositiveSmallIntegerField(default=0)
    # The last LLM exchange about this membership, shown on /me/engagement/.
    llm_hash = models.CharField(max_length=64, blank=True)
    llm_sent = models.JSONField(default=dict, blank=True)
    llm_answer = models.JSONField(default=dict, blank=True)
    llm_at = models.DateTimeField(null=True, blank=True)
    # The newest activity (kept current by `activity_record`, so the CRM can sort by it).
    last_active_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)
    # When `level` last changed (a downgrade waits 30 days from here).
    level_changed_at = models.DateTimeField(default=timezone.now)
    pending_downgrade_level = models.CharField(max_length=20, choices=Level.choices, blank=True)
    pending_downgrade_at = models.DateTimeField(null=True, blank=True)

    objects = EngagementScoreQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__lte=100), name="engagement_score_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(rules_score__lte=100),
                name="engagement_rules_score_at_most_100",
            ),
        ]
        indexes = [
            models.Index(fields=["org", "level"]),
            models.Index(fields=["org", "last_active_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} ({self.score})"


class EngagementSnapshot(models.Model):
    """One computation of one membership that changed something: the timeline."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="engagement_snapshots"
    )
    level = models.CharField(max_length=20, choices=Level.choices)
    score = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=10, choices=ScoreSource.choices)
    model = models.CharField(max_length=80, blank=True)
    rationale = models.TextField(blank=True)
    suggested_action = models.TextField(blank=True)
    signals = models.JSONField(default=dict, blank=True)
    signals_hash = models.CharField(max_length=64, blank=True)
    pending_downgrade_level = models.CharField(max_length=20, choices=Level.choices, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["membership", "computed_at"])]
        ordering = ["-computed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.level} at {self.computed_at:%Y-%m-%d}"


class EngagementOverrideQuerySet(OrgScopedQuerySet):
    """Org-scoped (`astn.core.scope`): inside an org-admin view or task, `for_org(org)`."""

    org_path = "org"

    def active(self):
        return self.filter(cleared_at__isnull=True)


class EngagementOverride(models.Model):
    """An admin's level for a membership. Cleared, never deleted: the history is the audit."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="engagement_overrides"
    )
    level = models.CharField(max_length=20, choices=Level.choices)
    reason = models.TextField(max_length=1000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_reason = models.TextField(max_length=1000, blank=True)

    objects = EngagementOverrideQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(cleared_at__isnull=True),
                name="engagement_one_active_override",
            ),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="engagement_override_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["membership", "at"])]
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.level} by override"

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None


class LlmUsage(models.Model):
    """One API call (or one collected batch): tokens and what they cost."""

    class Kind(models.TextChoices):
        MESSAGE = "message", "Messages API"
        BATCH = "batch", "Message Batches API"

    class Outcome(models.TextChoices):
        OK = "ok", "OK"
        ERROR = "error", "Error"

    org = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    model = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MESSAGE)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OK)
    error = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=120, blank=True)
    memberships = models.PositiveIntegerField(default=0)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cache_creation_tokens = models.PositiveIntegerField(default=0)
    cache_read_tokens = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, default=0)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "LLM usage"
        verbose_name_plural = "LLM usage"
        indexes = [models.Index(fields=["org", "at"])]
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.model} · {self.input_tokens}/{self.output_tokens} · ${self.cost_usd}"


class LlmBatch(models.Model):
    """A Message Batches request: submitted by one run, collected by a later one."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        COLLECTED = "collected", "Collected"
        FAILED = "failed", "Failed"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    anthropic_id = models.CharField(max_length=120, unique=True)
    model = models.CharField(max_length=80)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    # {custom_id: {"keys": {pseudonym: [membership_id, signals_hash]}}} — ids only.
    items = models.JSONField(default=dict)
    memberships = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(default=timezone.now)
    collected_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "LLM batch"
        verbose_name_plural = "LLM batches"
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.anthropic_id} ({self.status})"


class RecomputeRun(models.Model):
    """One org's recompute: what the admin page's progress bar reads."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    trigger = models.CharField(max_length=20, default="schedule")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    api_calls = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["org", "created_at"])]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.org_id} {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.done / self.total))
