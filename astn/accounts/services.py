"""Writes for accounts. Every write to a User or its settings goes through here."""

from __future__ import annotations

from django.db import transaction

from astn.accounts.errors import AccountError as AccountError
from astn.accounts.models import NotificationSettings, PrivacySettings, Profile, User


@transaction.atomic
def account_settings_ensure(*, user: User) -> None:
    """Create the profile and settings rows a user needs, if missing. Idempotent."""
    Profile.objects.get_or_create(user=user)
    NotificationSettings.objects.get_or_create(user=user)
    PrivacySettings.objects.get_or_create(user=user)


@transaction.atomic
def user_create(
    *, email: str, password: str | None, name: str = "", timezone: str = "UTC", **extra
) -> User:
    """Create an account with its profile (in `timezone`) and default settings."""
    user = User.objects.create_user(email=email, password=password, name=name, **extra)
    account_settings_ensure(user=user)
    profile_timezone_set(user=user, timezone=timezone)
    return user


def profile_timezone_set(*, user: User, timezone: str) -> None:
    """Set the member's IANA time zone. Raises ValidationError for an unknown zone."""
    from astn.accounts.models import validate_timezone

    validate_timezone(timezone)
    Profile.objects.filter(user=user).update(timezone=timezone)


def _check_coordinates(lat: float | None, lng: float | None) -> None:
    if lat is None or lng is None:
        raise AccountError("Both latitude and longitude are needed to share a location.")
    if not -90 <= lat <= 90:
        raise AccountError("Latitude must be between -90 and 90.")
    if not -180 <= lng <= 180:
        raise AccountError("Longitude must be between -180 and 180.")


@transaction.atomic
def profile_update(
    *,
    user: User,
    name: str,
    headline: str = "",
    bio: str = "",
    city: str = "",
    timezone: str = "UTC",
    skills: list[str] | None = None,
    interests: str = "",
    career_stage: str = "",
) -> Profile:
    """Save the member's name and descriptive profile fields (not their location)."""
    from astn.accounts.models import validate_timezone

    validate_timezone(timezone)
    User.objects.filter(pk=user.pk).update(name=name.strip())
    user.name = name.strip()
    profile = Profile.objects.select_for_update().get(user=user)
    profile.headline = headline.strip()
    profile.bio = bio.strip()
    profile.city = city.strip()
    profile.timezone = timezone
    profile.skills = [s.strip() for s in (skills or []) if s.strip()]
    profile.interests = interests.strip()
    profile.career_stage = career_stage
    profile.save(
        update_fields=[
            "headline",
            "bio",
            "city",
            "timezone",
            "skills",
            "interests",
            "career_stage",
            "updated_at",
        ]
    )
    return profile


@transaction.atomic
def profile_location_set(*, user: User, lat: float, lng: float) -> Profile:
    """Opt the member in to location-based suggestions at (lat, lng).

    Raises `AccountError` for missing or out-of-range coordinates; nothing is saved then.
    """
    _check_coordinates(lat, lng)
    Profile.objects.filter(user=user).update(
        location_discoverable=True, lat=round(lat, 5), lng=round(lng, 5)
    )
    return Profile.objects.get(user=user)


@transaction.atomic
def profile_location_withdraw(*, user: User) -> Profile:
    """Opt the member out and delete their stored coordinates."""
    Profile.objects.filter(user=user).update(location_discoverable=False, lat=None, lng=None)
    return Profile.objects.get(user=user)


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the account and everything that names the person.

    Runs every step registered in `astn.accounts.deletion` (apps anonymise their
    rows: memberships keep their status but lose user, email and name), then deletes
    the user row; profile, settings and email addresses go with it by cascade.
    The caller has re-authenticated the person and logs them out afterwards.
    """
    from allauth.account.models import EmailAddress

    from astn.accounts.deletion import deletion_steps

    for step in deletion_steps():
        step.run(user)
    EmailAddress.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).delete()
