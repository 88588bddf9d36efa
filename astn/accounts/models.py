"""People: the account (`User`), their `Profile`, and their notification and privacy choices.

`accounts` is the bottom of the dependency graph (DESIGN §3): it never imports
an app above it. Per-org choices (muting one org) live on `orgs.Membership`.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from pgvector.django import VectorField

from astn.core.timezones import is_zone

EMBEDDING_DIMENSIONS = 384


def normalize_email(email: str) -> str:
    """Return the form of an address ASTN stores and compares: trimmed, lower-case."""
    return (email or "").strip().lower()


def validate_timezone(value: str) -> None:
    if not is_zone(value):
        raise ValidationError(f"“{value}” is not a known time zone (use e.g. Europe/London).")


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. The email address is the login."""

    email = models.EmailField("email address", max_length=254, unique=True)
    name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return (self.name.split() or [self.email])[0]

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]


class CareerStage(models.TextChoices):
    STUDENT = "student", "Student"
    EARLY = "early", "Early career"
    MID = "mid", "Mid career"
    SENIOR = "senior", "Senior"
    CAREER_CHANGE = "career_change", "Changing careers"
    RETIRED = "retired", "Retired"


class Profile(models.Model):
    """What a member tells ASTN about themselves. Coordinates only with consent."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    headline = models.CharField(max_length=140, blank=True)
    bio = models.TextField(blank=True, max_length=4000)
    city = models.CharField(max_length=100, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    skills = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    interests = models.TextField(blank=True, max_length=2000)
    career_stage = models.CharField(max_length=20, choices=CareerStage.choices, blank=True)
    location_discoverable = models.BooleanField(
        default=False, help_text="Use my location to suggest nearby orgs."
    )
    lat = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    lng = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    # Embedding of `interests` + skills, used by community matching (DESIGN §9).
    interests_embedding = VectorField(dimensions=EMBEDDING_DIMENSIONS, null=True, blank=True)
    # Secret in the URL of the personal calendar feed /me/calendar/<token>.ics.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(location_discoverable=True)
                    | (models.Q(lat__isnull=True) & models.Q(lng__isnull=True))
                ),
                name="accounts_profile_location_only_with_consent",
            ),
            models.CheckConstraint(
                condition=models.Q(lat__isnull=True) | models.Q(lat__gte=-90, lat__lte=90),
                name="accounts_profile_lat_range",
            ),
            models.CheckConstraint(
                condition=models.Q(lng__isnull=True) | models.Q(lng__gte=-180, lng__lte=180),
                name="accounts_profile_lng_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    COMPLETENESS_FIELDS = ("headline", "bio", "city", "skills", "interests", "career_stage")

    @property
    def completeness(self) -> int:
        """Percentage of the descriptive fields that are filled in (0 to 100)."""
        filled = sum(1 for name in self.COMPLETENESS_FIELDS if getattr(self, name))
        filled += 1 if self.user.name else 0
        return round(100 * filled / (len(self.COMPLETENESS_FIELDS) + 1))

    @property
    def has_location(self) -> bool:
        return self.location_discoverable and self.lat is not None and self.lng is not None


class EventMode(models.TextChoices):
    ALL = "all", "Every new event, as it is announced"
    WEEKLY = "weekly", "A weekly digest on Monday morning"
    NONE = "none", "No event emails"


class NotificationSettings(models.Model):
    """How a member wants to hear from ASTN (DESIGN §4). Defaults avoid notification fatigue."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="notification_settings"
    )
    event_mode = models.CharField(
        max_length=10, choices=EventMode.choices, default=EventMode.WEEKLY
    )
    remind_day_before = models.BooleanField("Remind me 1 day before", default=True)
    remind_hour_before = models.BooleanField("Remind me 1 hour before", default=True)
    attendance_prompts = models.BooleanField("Ask me “Did you attend?” after events", default=True)
    community_emails = models.BooleanField("Matching-round and community emails", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"Notification settings of {self.user}"


class PrivacySettings(models.Model):
    """What org admins may see about a member, and whether AI may classify them."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="privacy_settings")
    attendance_visible_to_admins = models.BooleanField(
        "Org admins can see my attendance history", default=True
    )
    profile_visible_to_admins = models.BooleanField(
        "Org admins can see my profile details", default=True
    )
    ai_classification_opt_out = models.BooleanField(
        "Do not use AI to classify my engagement", default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "privacy settings"

    def __str__(self) -> str:
        return f"Privacy settings of {self.user}"
