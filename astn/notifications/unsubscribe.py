"""Unsubscribe categories, what switching one off changes, and the RFC 8058 headers.

Every non-transactional email names a category (`email_enqueue(category=...)`).
The category decides which `NotificationSettings` fields its unsubscribe link
changes:

| category        | switching it off                                               |
| --------------- | -------------------------------------------------------------- |
| `announcements` | event mode `all` becomes `none`: no email per new event. The    |
|                 | confirmation page *offers* the weekly digest instead; only the  |
|                 | member's own click on it switches the digest on (#10)           |
| `digest`        | event mode `weekly` becomes `none`                              |
| `reminders`     | both reminders (1 day and 1 hour before) off                    |
| `prompts`       | "Did you attend?" prompts off                                   |
| `community`     | matching-round and community emails off                         |
| `all`           | all of the above: event mode `none`, every flag off             |

A change only ever switches things off, so applying it twice changes nothing
the second time. (`digest_instead` is the one way back on from this page, and
only as the member's explicit choice.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.urls import reverse

from astn.accounts.models import EventMode, NotificationSettings, User
from astn.notifications import links


class Category(models.TextChoices):
    ANNOUNCEMENTS = "announcements", "new-event announcements"
    DIGEST = "digest", "the weekly events digest"
    REMINDERS = "reminders", "event reminders"
    PROMPTS = "prompts", "“Did you attend?” questions"
    COMMUNITY = "community", "matching-round and community emails"
    ALL = "all", "all emails that are not about your account"


@dataclass(frozen=True)
class Change:
    """One setting an unsubscribe switches: its label, and its value before and after."""

    field: str
    label: str
    before: object
    after: object

    @property
    def is_change(self) -> bool:
        return self.before != self.after


def _mode_label(value: str) -> str:
    return EventMode(value).label


def _event_mode_after(current: str, category: str) -> str:
    if category == Category.ANNOUNCEMENTS:
        # Never a step down to the digest: an unsubscribe never subscribes to anything.
        return EventMode.NONE if current == EventMode.ALL else current
    if category == Category.DIGEST:
        return EventMode.NONE if current == EventMode.WEEKLY else current
    if category == Category.ALL:
        return EventMode.NONE
    return current


_FLAGS_BY_CATEGORY = {
    Category.REMINDERS: ("remind_day_before", "remind_hour_before"),
    Category.PROMPTS: ("attendance_prompts",),
    Category.COMMUNITY: ("community_emails",),
    Category.ALL: (
        "remind_day_before",
        "remind_hour_before",
        "attendance_prompts",
        "community_emails",
    ),
}


_FLAG_LABELS = {
    field.name: str(field.verbose_name)
    for field in NotificationSettings._meta.fields
    if isinstance(field, models.BooleanField)
}


def changes_for(prefs: NotificationSettings, category: str) -> list[Change]:
    """Return what unsubscribing from `category` does to `prefs` (without saving anything)."""
    category = Category(category)
    changes = []
    mode_after = _event_mode_after(prefs.event_mode, category)
    if category in (Category.ANNOUNCEMENTS, Category.DIGEST, Category.ALL):
        changes.append(
            Change(
                "event_mode",
                "Event emails",
                _mode_label(prefs.event_mode),
                _mode_label(mode_after),
            )
        )
    for field in _FLAGS_BY_CATEGORY.get(category, ()):
        label = _FLAG_LABELS[field]
        changes.append(Change(field, label, getattr(prefs, field), False))
    return changes


def apply_to(prefs: NotificationSettings, category: str) -> list[str]:
    """Switch `category` off on `prefs` in memory; return the names of the fields changed."""
    changed = []
    mode_after = _event_mode_after(prefs.event_mode, Category(category))
    if mode_after != prefs.event_mode:
        prefs.event_mode = mode_after
        changed.append("event_mode")
    for field in _FLAGS_BY_CATEGORY.get(Category(category), ()):
        if getattr(prefs, field):
            setattr(prefs, field, False)
            changed.append(field)
    return changed


def category_enabled(prefs: NotificationSettings, category: str) -> bool:
    """Whether a member with `prefs` still wants emails of `category` at all.

    The sender asks this just before sending, so an email queued before the
    member unsubscribed is not sent after it. (Per-offset reminder choices are
    the reminder job's business: here "reminders" is on while either is.)
    """
    category = Category(category)
    if category == Category.ANNOUNCEMENTS:
        return prefs.event_mode == EventMode.ALL
    if category == Category.DIGEST:
        return prefs.event_mode == EventMode.WEEKLY
    if category == Category.REMINDERS:
        return prefs.remind_day_before or prefs.remind_hour_before
    if category == Category.PROMPTS:
        return prefs.attendance_prompts
    if category == Category.COMMUNITY:
        return prefs.community_emails
    return True


def unsubscribe_token(user: User, category: str) -> str:
    return links.make_token("unsubscribe", {"u": user.pk, "c": Category(category).value})


def unsubscribe_url(user: User, category: str) -> str:
    """Return the absolute `/u/<token>/` URL that switches `category` off for `user`."""
    path = reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user, category)})
    return links.absolute_url(path)


def unsubscribe_headers(user: User, category: str) -> dict[str, str]:
    """Return the RFC 2369 / RFC 8058 headers for an email of `category` to `user`."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user, category)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def digest_offered(prefs: NotificationSettings, category: str) -> bool:
    """Whether the unsubscribe page should offer the weekly digest as a choice.

    After unsubscribing from announcements (or before, on the confirmation page),
    a member with no event emails at all may prefer one email a week.
    """
    return Category(category) == Category.ANNOUNCEMENTS and prefs.event_mode != EventMode.WEEKLY
