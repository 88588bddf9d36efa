"""Organisations and the people in them.

`Membership` is the org's record of one person, with or without an account: a
contact imported from an attendance sheet is a Membership with no user. Engagement,
attendance and programs hang off Membership (DESIGN §4).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


def new_invite_token() -> str:
    return secrets.token_urlsafe(16)


class OrganizationQuerySet(models.QuerySet):
    def discoverable(self):
        return self.filter(discoverable=True)


class Organization(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True, max_length=5000)
    website = models.URLField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    lat = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    lng = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    is_online = models.BooleanField("Online community", default=False)
    discoverable = models.BooleanField(
        default=True, help_text="Listed in search and suggestions. Invite links work either way."
    )
    # lu.ma: the API key is stored encrypted (see orgs.crypto); calendar feed alternatively.
    luma_api_key_encrypted = models.TextField(blank=True)
    luma_calendar_id = models.CharField(max_length=100, blank=True)
    ics_feed_url = models.URLField("iCal feed URL", blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lat__isnull=True) | models.Q(lat__gte=-90, lat__lte=90),
                name="orgs_organization_lat_range",
            ),
            models.CheckConstraint(
                condition=models.Q(lng__isnull=True) | models.Q(lng__gte=-180, lng__lte=180),
                name="orgs_organization_lng_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/orgs/{self.slug}/"


class MembershipQuerySet(models.QuerySet):
    def for_org(self, org: Organization):
        return self.filter(org=org)

    def active(self):
        """People who are members now (not contacts, not people who left)."""
        return self.filter(status=Membership.Status.MEMBER)

    def admins(self):
        return self.filter(role=Membership.Role.ADMIN, status=Membership.Status.MEMBER)


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    class Status(models.TextChoices):
        MEMBER = "member", "Member"
        CONTACT = "contact", "Contact"
        LEFT = "left", "Left"

    class Source(models.TextChoices):
        SELF = "self", "Joined on ASTN"
        INVITE = "invite", "Invite link"
        IMPORT = "import", "Attendance import"
        LUMA = "luma", "lu.ma"
        COMMUNITY = "community", "Community"
        ADMIN = "admin", "Added by an admin"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )
    # Normalised (trimmed, lower-case); unique per org. Blank only once anonymised.
    email = models.EmailField(blank=True)
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MEMBER)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SELF)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    # No announcements, digest entries or reminders from this org.
    muted = models.BooleanField(default=False)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "org",
                Lower("email"),
                condition=~models.Q(email=""),
                name="orgs_membership_email_unique_per_org",
            ),
            models.UniqueConstraint(
                fields=["org", "user"],
                condition=models.Q(user__isnull=False),
                name="orgs_membership_user_unique_per_org",
            ),
        ]
        indexes = [models.Index(fields=["org", "status", "role"])]

    def __str__(self) -> str:
        return f"{self.display_name} in {self.org}"

    @property
    def display_name(self) -> str:
        if self.user_id and self.user.name:
            return self.user.name
        return self.name or (self.email.split("@")[0] if self.email else "Former member")

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN and self.status == self.Status.MEMBER


class InviteLink(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invite_links")
    token = models.CharField(max_length=64, unique=True, default=new_invite_token)
    label = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invite to {self.org} ({self.token[:6]}…)"

    def get_absolute_url(self) -> str:
        return f"/invite/{self.token}/"
