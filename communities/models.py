"""Communities: Donut-style monthly 1:1 matching rounds for an org's people (DESIGN §4, §9).

A `Community` belongs to an org; each person in it is a `CommunityMember`
hanging off their org `Membership`. Every month a `Round` opens; members who
say yes this round fill the intake and availability (`RoundParticipant`); on
match day they are put in `Match`es of two (one trio when the count is odd),
each with a booked slot and a calendar invite.
"""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import localtime, now
from pgvector.django import VectorField

from astn.accounts.models import validate_timezone
from astn.core.embeddings import EMBEDDING_DIM
from astn.core.scope import OrgScopedQuerySet
from orgs.models import Membership, Organization


def clamp_day(year: int, month: int, day: int) -> datetime.date:
    """Return `day` of the month, or its last day when the month is shorter (31 → Feb 28)."""
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


class CommunityQuerySet(OrgScopedQuerySet):
    """Org-scoped (`astn.core.scope`): inside an org-admin view or task, `for_org(org)`."""

    org_path = "org"

    def active(self):
        return self.filter(active=True)


class Community(models.Model):
    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="communities")
    name = models.CharField(max_length=120)
    # Public address: /join/<slug>/ and /c/<slug>/...; unique across ASTN.
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True, max_length=5000)
    # [{"id": "q1", "kind": "short|long|single|multi", "label": str, "choices": [str],
    #   "required": bool}] in display order (see communities.intake).
    intake_questions = models.JSONField(default=list, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default="monthly")
    signup_deadline_day = models.PositiveSmallIntegerField(
        default=20, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    match_day = models.PositiveSmallIntegerField(
        default=27, validators=[MinValueValidator(2), MaxValueValidator(31)]
    )
    call_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(15), MaxValueValidator(120)]
    )
    no_repeat_rounds = models.PositiveSmallIntegerField(
        "Rounds before a pair may meet again",
        default=6,
        validators=[MaxValueValidator(24)],
    )
    # Rounds open on the 1st and deadlines fall at midnight in this zone.
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "communities"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(match_day__gt=models.F("signup_deadline_day")),
                name="communities_match_day_after_deadline",
                violation_error_message="The match day must come after the signup deadline.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/join/{self.slug}/"

    @property
    def tz(self):
        import zoneinfo

        return zoneinfo.ZoneInfo(self.timezone)

    def deadline_for(self, month: datetime.date) -> datetime.datetime:
        """End of the signup-deadline day of `month` (the last day if the month is short)."""
        day = clamp_day(month.year, month.month, self.signup_deadline_day)
        return datetime.datetime.combine(day, datetime.time(23, 59), tzinfo=self.tz)

    def match_at_for(self, month: datetime.date) -> datetime.datetime:
        """09:00 on the match day of `month` (clamped to the month's last day)."""
        day = clamp_day(month.year, month.month, self.match_day)
        return datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=self.tz)

    def next_round_opens(self, at: datetime.datetime | None = None) -> datetime.date:
        """The 1st of next month in the community's zone (rounds open on the 1st)."""
        local = localtime(at or now(), self.tz).date()
        return (local.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


class CommunityMemberQuerySet(models.QuerySet):
    def for_org(self, org: Organization):
        return self.filter(community__org=org)

    def active(self):
        return self.filter(status=CommunityMember.Status.ACTIVE)


class CommunityMember(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        REMOVED = "removed", "Left"

    class PauseReason(models.TextChoices):
        NONE = "", "—"
        SNOOZED = "snoozed", "Snoozed"
        GHOSTED = "ghosted", "Missed 3 rounds"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="members")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="community_members"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    pause_reason = models.CharField(
        max_length=15, choices=PauseReason.choices, default="", blank=True
    )
    paused_until = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # Confidential: whom this member never wants to be matched with. Never shown to them.
    never_pair = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="+")
    # Consecutive matched rounds without a "Did you meet?" yes (ghosting); 3 pauses.
    missed_rounds = models.PositiveSmallIntegerField(default=0)
    joined_at = models.DateTimeField(default=now)
    left_at = models.DateTimeField(null=True, blank=True)

    objects = CommunityMemberQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "membership"],
                name="communities_member_unique",
                violation_error_message="This person is already in the community.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.display_name} in {self.community}"

    @property
    def email(self) -> str:
        return self.membership.email

    @property
    def display_name(self) -> str:
        return self.membership.display_name


class RoundQuerySet(models.QuerySet):
    def for_org(self, org: Organization):
        return self.filter(community__org=org)


class Round(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        MATCHING = "matching", "Matching"
        MATCHED = "matched", "Matched"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="rounds")
    month = models.DateField(help_text="The first day of the round's month.")
    signup_deadline = models.DateTimeField()
    match_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(default=now)
    closed_at = models.DateTimeField(null=True, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)
    # What the matching did, for the organiser: sum of pair scores, method, seconds.
    objective = models.FloatField(null=True, blank=True)
    method = models.CharField(max_length=200, blank=True)
    duration_ms = models.FloatField(null=True, blank=True)
    # [{"member_id": int, "name": str, "reason": str}] and [[member_id, member_id], ...]
    left_out = models.JSONField(default=list, blank=True)
    repeats = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["community", "month"], name="communities_round_month"),
        ]

    def __str__(self) -> str:
        return f"{self.community} — {self.month:%B %Y}"

    def get_absolute_url(self) -> str:
        return f"/c/{self.community.slug}/rounds/{self.slug}/"

    @property
    def slug(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN and now() <= self.signup_deadline


class RoundParticipant(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(
        CommunityMember, on_delete=models.CASCADE, related_name="participations"
    )
    answers = models.JSONField(default=dict, blank=True)
    # {"timezone": "Europe/Berlin", "slots": [{"day": 0..6 (Mon..Sun), "start": "HH:MM",
    #   "end": "HH:MM"}]} in the member's own zone.
    availability = models.JSONField(default=dict, blank=True)
    embedding = VectorField(dimensions=EMBEDDING_DIM, null=True, blank=True)
    embedding_backend = models.CharField(max_length=20, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Saying yes this round = finishing the intake; only these are matched.
    intake_completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="communities_participant"),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.round}"


class Match(models.Model):
    class Met(models.TextChoices):
        YES = "yes", "Met"
        NO = "no", "Did not meet"
        UNKNOWN = "unknown", "Unknown"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        DROPPED = "dropped", "Dropped"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="matches")
    similarity = models.FloatField(default=0.0)
    common_interests = models.TextField(blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    has_overlap = models.BooleanField(default=True)
    is_repeat = models.BooleanField(default=False)
    ics_uid = models.CharField(max_length=200, unique=True)
    ics_sequence = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    met = models.CharField(max_length=10, choices=Met.choices, default=Met.UNKNOWN)
    notified_at = models.DateTimeField(null=True, blank=True)
    followup_sent_at = models.DateTimeField(null=True, blank=True)
    # When unanswered follow-ups were counted as misses (ghosting); see services.followup.
    settled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["round", "pk"]
        verbose_name_plural = "matches"

    def __str__(self) -> str:
        return f"Match {self.pk} in {self.round}"


class MatchSeat(models.Model):
    """One person in a match, with their own answer to "Did you meet?"."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="seats")
    participant = models.ForeignKey(
        RoundParticipant, on_delete=models.CASCADE, related_name="seats"
    )
    met = models.CharField(max_length=10, choices=Match.Met.choices, default=Match.Met.UNKNOWN)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            # A person sits in at most one match per round (the participant is per round).
            models.UniqueConstraint(fields=["participant"], name="communities_one_seat_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.participant.member} in match {self.match_id}"
