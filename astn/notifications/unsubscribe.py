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

Categories are items of the `categories` registry (astn/core/registry.py), so an
app above notifications adds its own from `AppConfig.ready()` without editing
this module — with an existing `NotificationSettings` flag, or with its own
preference through `enabled` / `switch_off`:

    categories.register(EmailCategory(
        name="crm-followups", label="follow-up emails from organisers",
        enabled=lambda prefs: followups_wanted(user_id=prefs.user_id),
        switch_off=lambda prefs: followups_stop(user_id=prefs.user_id),
    ))

`all` switches off every registered category. `Category` keeps the names of the
built-in ones as constants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.urls import reverse

from astn.accounts.models import EventMode, NotificationSettings, User
from astn.core.registry import Registry
from astn.notifications import links


class Category(models.TextChoices):
    ANNOUNCEMENTS = "announcements", "new-event announcements"
    DIGEST = "digest", "the weekly events digest"
    REMINDERS = "reminders", "event reminders"
    PROMPTS = "prompts", "“Did you attend?” questions"
    COMMUNITY = "community", "matching-round and community emails"
    ALL = "all", "all emails that are not about your account"


@dataclass(frozen=True)
class EmailCategory:
    """What an unsubscribe link of one category switches off, and whether it is on.

    `event_mode`: the category *is* that event mode (announcements = "all", digest =
    "weekly"); unsubscribing turns it to "none". `flags`: `NotificationSettings`
    booleans; on while any is on, all switched off. `enabled(prefs)` and
    `switch_off(prefs)` (returns a description per change) are for a category whose
    preference lives in its own app.
    """

    name: str
    label: str
    event_mode: str | None = None
    flags: tuple[str, ...] = ()
    enabled: Callable[[NotificationSettings], bool] | None = None
    switch_off: Callable[[NotificationSettings], list[str]] | None = None
    order: int = 0

    @property
    def value(self) -> str:
        return self.name


categories: Registry[EmailCategory] = Registry("email categories")
for _category in (
    EmailCategory(Category.ANNOUNCEMENTS.value, Category.ANNOUNCEMENTS.label, event_mode="all"),
    EmailCategory(Category.DIGEST.value, Category.DIGEST.label, event_mode="weekly"),
    EmailCategory(
        Category.REMINDERS.value,
        Category.REMINDERS.label,
        flags=("remind_day_before", "remind_hour_before"),
    ),
    EmailCategory(Category.PROMPTS.value, Category.PROMPTS.label, flags=("attendance_prompts",)),
    EmailCategory(Category.COMMUNITY.value, Category.COMMUNITY.label, flags=("community_emails",)),
    EmailCategory(Category.ALL.value, Category.ALL.label, order=1000),
):
    categories.register(_category)


def category_get(name: str) -> EmailCategory:
    """The registered category called `name`; ValueError if there is none."""
    if name not in categories:
        raise ValueError(f"unknown email category {name!r}")
    return categories.get(name)


def is_category(name: str) -> bool:
    """Whether an email may name `name` as its category (`all` is for unsubscribing only)."""
    return name in categories and name != Category.ALL


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
    if category == Category.ALL:
        return EventMode.NONE
    # Never a step down to the digest: an unsubscribe never subscribes to anything.
    mode = category_get(category).event_mode
    return EventMode.NONE if mode is not None and current == mode else current


def _flags(category: str) -> tuple[str, ...]:
    if category == Category.ALL:
        return tuple(dict.fromkeys(flag for c in categories for flag in c.flags))
    return category_get(category).flags


def _touches_event_mode(category: str) -> bool:
    return category == Category.ALL or category_get(category).event_mode is not None


_FLAG_LABELS = {
    field.name: str(field.verbose_name)
    for field in NotificationSettings._meta.fields
    if isinstance(field, models.BooleanField)
}


def changes_for(prefs: NotificationSettings, category: str) -> list[Change]:
    """Return what unsubscribing from `category` does to `prefs` (without saving anything)."""
    category_get(category)
    changes = []
    mode_after = _event_mode_after(prefs.event_mode, category)
    if _touches_event_mode(category):
        changes.append(
            Change(
                "event_mode",
                "Event emails",
                _mode_label(prefs.event_mode),
                _mode_label(mode_after),
            )
        )
    for field in _flags(category):
        label = _FLAG_LABELS[field]
        changes.append(Change(field, label, getattr(prefs, field), False))
    return changes


def apply_to(prefs: NotificationSettings, category: str) -> list[str]:
    """Switch `category` off on `prefs` in memory; return the names of the fields changed."""
    changed = []
    mode_after = _event_mode_after(prefs.event_mode, category)
    if mode_after != prefs.event_mode:
        prefs.event_mode = mode_after
        changed.append("event_mode")
    for field in _flags(category):
        if getattr(prefs, field):
            setattr(prefs, field, False)
            changed.append(field)
    return changed


def switch_off_elsewhere(prefs: NotificationSettings, category: str) -> list[str]:
    """Run the `switch_off` of the category (or of every category, for `all`)."""
    chosen = list(categories) if category == Category.ALL else [category_get(category)]
    return [note for c in chosen if c.switch_off is not None for note in c.switch_off(prefs)]


def category_enabled(prefs: NotificationSettings, category: str) -> bool:
    """Whether a member with `prefs` still wants emails of `category` at all.

    The sender asks this just before sending, so an email queued before the
    member unsubscribed is not sent after it. (Per-offset reminder choices are
    the reminder job's business: here "reminders" is on while either is.)
    """
    found = category_get(category)
    if found.enabled is not None:
        return found.enabled(prefs)
    if found.event_mode is not None:
        return prefs.event_mode == found.event_mode
    if found.flags:
        return any(getattr(prefs, flag) for flag in found.flags)
    return True


def unsubscribe_token(user: User, category: str) -> str:
    return links.make_token("unsubscribe", {"u": user.pk, "c": category_get(category).name})


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
    return category == Category.ANNOUNCEMENTS and prefs.event_mode != EventMode.WEEKLY
