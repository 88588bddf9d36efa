"""The weekly digest: one email on Monday morning, local time, across all of a member's orgs.

Rules (docs/notifications.md, "Who gets what"):

- Told: active accounts whose event mode is `weekly` (the default), about the
  published events of the next `DIGEST_HORIZON` (14 days) of every org they are
  a member of and have not muted. Nothing to say, no email.
- When: the hourly job sends it once the member's local time has reached
  Monday `DIGEST_HOUR`:00 (09:00) — normally the run at 09:xx. If that run was
  missed (worker down), a later run **the same local Monday** catches up; from
  Tuesday on, that week is skipped (a Monday digest on Wednesday is noise).
- Where the member already holds a seat, the event says "You're going" and carries
  its online link (the link is for people with a seat); the intro counts them.
- Once: the key `digest:<user>:<iso-year>-W<week>` (the week of the member's
  local Monday) makes a re-run, a later hour or a second worker a no-op. A
  member with nothing to say at 09:00 may still get the digest later that
  Monday if an event is published meanwhile — still at most one per week.

Due members are found by zone: the distinct profile time zones are few, so we
compute in Python which of them are on Monday ≥ 09:00 now, and select the users
in those zones in SQL.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from astn.accounts.models import Profile, User
from astn.notifications.models import OutboundEmail
from astn.notifications.services import EmailEnqueueError, email_enqueue, notification_create
from events import extensions
from events.models import Event
from events.services.mailing import event_item, first_name, member_zone
from orgs.models import Membership

logger = logging.getLogger(__name__)

DIGEST_HOUR = 9
DIGEST_HORIZON = timedelta(days=14)
BATCH_SIZE = 200
# Events listed in one digest; the rest are counted ("See all your events").
MAX_LISTED = 25
TEMPLATE = "events/email/digest"


def digest_key(*, user_id: int, week: tuple[int, int]) -> str:
    return f"digest:{user_id}:{week[0]}-W{week[1]:02d}"


def digest_due_zones(*, now: datetime, zones) -> dict[str, tuple[int, int]]:
    """Return {zone name: (ISO year, ISO week)} for the zones where it is Monday ≥ 09:00 now."""
    due = {}
    for name in set(zones):
        try:
            local = now.astimezone(ZoneInfo(name or "UTC"))
        except (ZoneInfoNotFoundError, ValueError):
            continue
        if local.isoweekday() == 1 and local.hour >= DIGEST_HOUR:
            iso = local.isocalendar()
            due[name] = (iso.year, iso.week)
    return due


def _weekly_users():
    return User.objects.filter(is_active=True, notification_settings__event_mode="weekly")


def digest_due_users(*, now: datetime) -> list[tuple[User, tuple[int, int]]]:
    """Return (user, ISO week) for every weekly member whose digest is due and not yet sent."""
    zones = Profile.objects.filter(user__in=_weekly_users()).values_list("timezone", flat=True)
    due_zones = digest_due_zones(now=now, zones=zones.distinct())
    if not due_zones:
        return []
    users = list(
        _weekly_users()
        .filter(
            profile__timezone__in=list(due_zones),
            memberships__status=Membership.Status.MEMBER,
            memberships__muted=False,
        )
        .distinct()
        .select_related("profile")
        .order_by("pk")
    )
    keyed = {digest_key(user_id=u.pk, week=due_zones[u.profile.timezone]): u for u in users}
    sent = set(OutboundEmail.objects.filter(key__in=list(keyed)).values_list("key", flat=True))
    return [
        (user, due_zones[user.profile.timezone]) for key, user in keyed.items() if key not in sent
    ]


def _events_by_user(users: list[User], *, now: datetime) -> dict[int, list[Event]]:
    """Each user's upcoming events of the horizon, from their unmuted orgs, soonest first."""
    org_ids_by_user: dict[int, set[int]] = defaultdict(set)
    for user_id, org_id in Membership.objects.filter(
        user__in=users, status=Membership.Status.MEMBER, muted=False
    ).values_list("user_id", "org_id"):
        org_ids_by_user[user_id].add(org_id)
    all_orgs = set().union(*org_ids_by_user.values()) if org_ids_by_user else set()
    events = (
        Event.objects.published()
        .filter(org_id__in=all_orgs, start__gte=now, start__lt=now + DIGEST_HORIZON)
        .select_related("org")
        .order_by("start", "pk")
    )
    events_by_org: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        events_by_org[event.org_id].append(event)
    result = {}
    for user_id, org_ids in org_ids_by_user.items():
        mine = [event for org_id in org_ids for event in events_by_org[org_id]]
        result[user_id] = sorted(mine, key=lambda event: (event.start, event.pk))
    return result


def digest_send(*, now: datetime) -> int:
    """Queue the weekly digest of every member whose local Monday 09:00 has come; return how many.

    Idempotent and safe on two workers at once (the outbox key is per user and
    ISO week). Must not run inside a transaction: each batch commits, which
    starts the sender.
    """
    due = digest_due_users(now=now)
    queued = 0
    for start in range(0, len(due), BATCH_SIZE):
        batch = due[start : start + BATCH_SIZE]
        events = _events_by_user([user for user, _week in batch], now=now)
        event_ids = {event.pk for listed in events.values() for event in listed}
        going: dict[int, set[int]] = defaultdict(set)
        for user_id, event_id in extensions.seats_held([u.pk for u, _ in batch], event_ids):
            going[user_id].add(event_id)
        with transaction.atomic():
            for user, week in batch:
                if events.get(user.pk):
                    queued += _digest(user, week, events[user.pk], going=going[user.pk], now=now)
    return queued


def _digest(
    user: User, week: tuple[int, int], events: list[Event], *, going: set[int], now: datetime
) -> int:
    zone = member_zone(user)
    items = [
        {
            **event_item(event, zone=zone, show_online_link=event.pk in going),
            "going": event.pk in going,
        }
        for event in events
    ]
    days: dict[str, list[dict]] = {}
    for item in items[:MAX_LISTED]:
        days.setdefault(item["day"], []).append(item)
    org_names = sorted({item["org_name"] for item in items})
    subject = (
        f"Your week: {len(items)} event{'s' if len(items) != 1 else ''} "
        f"from {len(org_names)} org{'s' if len(org_names) != 1 else ''}"
    )
    key = digest_key(user_id=user.pk, week=week)
    my_events_url = settings.SITE_URL + reverse("events:mine")
    try:
        email = email_enqueue(
            key=key,
            to=user.email,
            user=user,
            category="digest",
            subject=subject,
            template=TEMPLATE,
            context={
                "name": first_name(user),
                "heading": "Coming up in the next two weeks",
                "preheader": ", ".join(org_names),
                "days": [{"day": day, "events": day_items} for day, day_items in days.items()],
                "count": len(items),
                "going_count": sum(item["going"] for item in items),
                "more": max(len(items) - MAX_LISTED, 0),
                "org_names": org_names,
                "action_url": my_events_url,
                "action_label": "See all your events",
                "week": f"{week[0]}-W{week[1]:02d}",
            },
        )
    except EmailEnqueueError:
        logger.warning("digest: user %s has no usable address", user.pk)
        return 0
    if email is None:
        return 0
    notification_create(
        user=user,
        kind="event.digest",
        title=subject,
        body=", ".join(org_names),
        url=reverse("events:mine"),
        key=key,
    )
    return 1
