"""A member's notification and privacy choices: the settings page and unsubscribe links."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from astn.accounts.models import EventMode, NotificationSettings, PrivacySettings, User
from astn.notifications import unsubscribe
from astn.notifications.errors import PreferencesError as PreferencesError


def _locked(model: type[NotificationSettings] | type[PrivacySettings], user: User) -> Any:
    model.objects.get_or_create(user=user)
    return model.objects.select_for_update().get(user=user)


@transaction.atomic
def member_settings_update(
    *,
    user: User,
    event_mode: str,
    remind_day_before: bool,
    remind_hour_before: bool,
    attendance_prompts: bool,
    community_emails: bool,
    attendance_visible_to_admins: bool,
    profile_visible_to_admins: bool,
    ai_classification_opt_out: bool,
) -> None:
    """Save everything on `/me/settings/` at once. Raise `PreferencesError` for a bad mode."""
    if event_mode not in EventMode.values:
        raise PreferencesError(f"“{event_mode}” is not an event-email choice.")
    prefs = _locked(NotificationSettings, user)
    prefs.event_mode = event_mode
    prefs.remind_day_before = remind_day_before
    prefs.remind_hour_before = remind_hour_before
    prefs.attendance_prompts = attendance_prompts
    prefs.community_emails = community_emails
    prefs.save(
        update_fields=[
            "event_mode",
            "remind_day_before",
            "remind_hour_before",
            "attendance_prompts",
            "community_emails",
            "updated_at",
        ]
    )
    privacy = _locked(PrivacySettings, user)
    privacy.attendance_visible_to_admins = attendance_visible_to_admins
    privacy.profile_visible_to_admins = profile_visible_to_admins
    privacy.ai_classification_opt_out = ai_classification_opt_out
    privacy.save(
        update_fields=[
            "attendance_visible_to_admins",
            "profile_visible_to_admins",
            "ai_classification_opt_out",
            "updated_at",
        ]
    )


@transaction.atomic
def unsubscribe_apply(*, user: User, category: str) -> list[str]:
    """Switch `category` off for `user` (see `unsubscribe` for what each one changes).

    Idempotent: return the names of the settings that changed, empty the second time.
    Queued emails of a switched-off category are cancelled by the sender.
    """
    prefs = _locked(NotificationSettings, user)
    changed = unsubscribe.apply_to(prefs, category)
    if changed:
        prefs.save(update_fields=[*changed, "updated_at"])
    # Categories whose preference lives in another app switch themselves off.
    return changed + unsubscribe.switch_off_elsewhere(prefs, category)


@transaction.atomic
def digest_instead(*, user: User) -> bool:
    """Switch `user` to the weekly digest, as they chose on an unsubscribe page.

    Only from "no event emails" (a member who still gets every announcement keeps
    them). Return whether anything changed.
    """
    prefs = _locked(NotificationSettings, user)
    if prefs.event_mode != EventMode.NONE:
        return False
    prefs.event_mode = EventMode.WEEKLY
    prefs.save(update_fields=["event_mode", "updated_at"])
    return True
