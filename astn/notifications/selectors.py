"""Reads for `astn.notifications`."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from astn.accounts.models import NotificationSettings, PrivacySettings, User
from astn.notifications.models import Notification


def notification_list(*, user: User) -> QuerySet[Notification]:
    """Return `user`'s notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def access_notification(*, user: User, notification_id: int) -> Notification:
    """Return `user`'s notification `notification_id`; Http404 if missing or someone else's."""
    try:
        return Notification.objects.get(pk=notification_id, user=user)
    except Notification.DoesNotExist:
        raise Http404("No such notification.") from None


def notification_settings_get(*, user: User) -> NotificationSettings:
    """The member's email choices, or unsaved defaults: a page that only shows them
    (GET) never creates the row; the services that save them do."""
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)


def privacy_settings_get(*, user: User) -> PrivacySettings:
    """The member's privacy choices, or unsaved defaults (see `notification_settings_get`)."""
    return PrivacySettings.objects.filter(user=user).first() or PrivacySettings(user=user)
