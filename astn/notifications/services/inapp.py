"""In-app notifications: create them (idempotently, like emails) and mark them read."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from astn.accounts.models import User
from astn.notifications.errors import NotificationError as NotificationError
from astn.notifications.models import Notification


def _is_site_path(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


@transaction.atomic
def notification_create(
    *,
    user: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    key: str | None = None,
) -> Notification | None:
    """Add a notification to `user`'s centre and return it.

    `url` is a path on this site ("/orgs/x/events/3/"): clicking the
    notification leads there. With a `key` (`<kind>:<ids>`, like the outbox),
    a second call with the same key is a no-op that returns None, so the in-app
    twin of an email is created exactly when the email is.
    Raise `NotificationError` for an empty title or a url that is not a site path.
    """
    title = " ".join(title.split())
    if not title:
        raise NotificationError("a notification needs a title")
    if url and not _is_site_path(url):
        raise NotificationError(f"a notification url must be a path on this site, not {url!r}")
    values = {"user": user, "kind": kind, "title": title[:200], "body": body[:2000], "url": url}
    if key is None:
        return Notification.objects.create(**values)
    notification, created = Notification.objects.get_or_create(key=key, defaults=values)
    return notification if created else None


def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one notification read (it was fetched with `access_notification`). Idempotent."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, user: User) -> int:
    """Mark all of `user`'s unread notifications read; return how many there were."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
