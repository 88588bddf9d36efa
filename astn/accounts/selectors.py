"""Reads for accounts."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from astn.accounts.models import User


def account_export_for_user(*, user: User) -> dict:
    """The accounts part of `/me/export/`: account, email addresses, profile and settings."""
    profile = user.profile
    notifications = user.notification_settings
    privacy = user.privacy_settings
    return {
        "account": {
            "email": user.email,
            "name": user.name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        # The calendar token is left out: it is a credential, not data about the person.
        "profile": {
            "headline": profile.headline,
            "bio": profile.bio,
            "city": profile.city,
            "timezone": profile.timezone,
            "skills": list(profile.skills),
            "interests": profile.interests,
            "career_stage": profile.career_stage,
            "location_discoverable": profile.location_discoverable,
            "lat": profile.lat,
            "lng": profile.lng,
            "completeness": profile.completeness,
            "interests_embedding": (
                [float(x) for x in profile.interests_embedding]
                if profile.interests_embedding is not None
                else None
            ),
        },
        "notification_settings": {
            "event_mode": notifications.event_mode,
            "remind_day_before": notifications.remind_day_before,
            "remind_hour_before": notifications.remind_hour_before,
            "attendance_prompts": notifications.attendance_prompts,
            "community_emails": notifications.community_emails,
        },
        "privacy_settings": {
            "attendance_visible_to_admins": privacy.attendance_visible_to_admins,
            "profile_visible_to_admins": privacy.profile_visible_to_admins,
            "ai_classification_opt_out": privacy.ai_classification_opt_out,
        },
    }
