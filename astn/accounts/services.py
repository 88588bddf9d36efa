"""Writes for accounts. Every write to a User or its settings goes through here."""

from __future__ import annotations

from django.db import transaction

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
