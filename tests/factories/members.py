"""Members with a notification mode, a zone, a mute flag (the who-is-told-what tests)."""

from __future__ import annotations

from datetime import UTC, datetime

from astn.accounts.models import NotificationSettings, Profile
from tests.concurrency import errors_in, race
from tests.factories.accounts import UserFactory
from tests.factories.orgs import MembershipFactory


def at(text: str) -> datetime:
    """An aware UTC datetime from "2026-11-23 19:02"."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def make_member(org, *, mode="weekly", tz=None, muted=False, role="member", user=None, **prefs):
    """A member of `org` (status member, with an account) with the given settings.

    A new user lives in Berlin unless `tz` says otherwise; an existing `user` keeps
    their zone unless `tz` is given.
    """
    if user is None:
        user, tz = UserFactory(), tz or "Europe/Berlin"
    if tz:
        Profile.objects.filter(user=user).update(timezone=tz)
    NotificationSettings.objects.filter(user=user).update(event_mode=mode, **prefs)
    membership = MembershipFactory(
        org=org, user=user, muted=muted, role=role, joined_at=at("2026-01-01 00:00")
    )
    user.refresh_from_db()
    return membership


def run_on_two_threads(target):
    """Run `target()` on two threads released together; each closes its own connection."""
    results = race(target, target)
    assert errors_in(results) == []
    return results
