"""Organisations and the people in them.

`Membership` is the org's record of one person, with or without an account: a
contact imported from an attendance sheet is a Membership with no user. Engagement,
attendance and programs hang off Membership (DESIGN §4).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from astn.core.scope import OrgScopedQuerySet


def new_invite_token() -> str:
    return secrets.token_urlsafe(16)


SEARCH_CONFIG = "english"


def org_search_vector() -> SearchVector:
    """Return the weighted full-text document of an org: name, then city, then description.

    The GIN index below is built on exactly this expression, so searches use it.
    """
    return (
        SearchVector("name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("city", weight="B", config=SEARCH_CONFIG)
        + SearchVector("description", weight="C", config=SEARCH_CONFIG)
    )


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
    # lu.ma: the API key is stored encrypted (see events.crypto); calendar feed alternatively.
    luma_api_key_encrypted = models.TextField(blank=True)
    luma_calendar_id = models.CharField(max_length=100, blank=True)
    ics_feed_url = models.URLField("iCal feed URL", blank=True, max_length=1000)
    # Attendance imports (#11): in files that give only time in session (Zoom meeting, Meet,
    # Teams), someone counts as having attended after this many minutes.
    attended_after_minutes = models.PositiveSmallIntegerField(
        "Counts as attended after (minutes)",
        default=10,
        validators=[MaxValueValidator(600)],
        help_text="For imported online-event reports that only give each person's time in "
        "the session.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [GinIndex(org_search_vector(), name="orgs_organization_search")]
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

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lng is not None


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
    # What an attendance import's file said about a contact (#11); only empty fields are filled.
    company = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    country = models.CharField(max_length=100, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MEMBER)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SELF)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    # No announcements, digest entries or reminders from this org.
    muted = models.BooleanField(default=False)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # The invite link this person joined through (source `invite`); kept for the admin's stats.
    invite_link = models.ForeignKey(
        "InviteLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "org",
                Lower("email"),
                condition=~models.Q(email=""),
                name="orgs_membership_email_unique_per_org",
                violation_error_message=(
                    "Someone with this email address is already on this organisation's list."
                ),
            ),
            models.UniqueConstraint(
                fields=["org", "user"],
                condition=models.Q(user__isnull=False),
                name="orgs_membership_user_unique_per_org",
                violation_error_message="This person already has a membership here.",
            ),
        ]
        indexes = [
            models.Index(fields=["org", "status", "role"]),
            # The CRM dashboard's "new members" and "new contacts" in a period: range
            # counts on these (index-only) instead of a pass over every membership.
            models.Index(
                fields=["org", "joined_at"],
                condition=models.Q(status="member"),
                name="orgs_members_joined",
            ),
            models.Index(
                fields=["org", "created_at"],
                condition=models.Q(status="contact"),
                name="orgs_contacts_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} in {self.org}"

    # The fields `display_name` reads, for lists that load only them (`.only(...)`).
    DISPLAY_NAME_FIELDS = ("name", "email", "user", "user__name")

    @property
    def display_name(self) -> str:
        if self.user_id and self.user.name:
            return self.user.name
        return self.name or (self.email.split("@")[0] if self.email else "Former member")

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN and self.status == self.Status.MEMBER


class InviteLinkQuerySet(OrgScopedQuerySet):
    """Org-scoped (`astn.core.scope`): inside an org-admin view, filter by `for_org(org)`."""

    org_path = "org"


class InviteLink(models.Model):
    """A shareable link that lets anyone holding it join the org (DESIGN §4)."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        USED_UP = "used_up", "Used up"

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

    objects = InviteLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_uses__isnull=True)
                | models.Q(uses__lte=models.F("max_uses")),
                name="orgs_invitelink_uses_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"Invite to {self.org} ({self.token[:6]}…)"

    def get_absolute_url(self) -> str:
        return f"/invite/{self.token}/"

    @property
    def state(self) -> str:
        """Return why the link works or does not, as an `InviteLink.State` value."""
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return self.State.EXPIRED
        if self.max_uses is not None and self.uses >= self.max_uses:
            return self.State.USED_UP
        return self.State.ACTIVE

    @property
    def is_usable(self) -> bool:
        return self.state == self.State.ACTIVE
