"""New-event announcements: who is told about a newly published event, and when.

Rules (docs/notifications.md, "Who gets what"):

- Told: members (status `member`, with an active account) whose event mode is
  `all` and who have not muted the org. Contacts, people who left, `weekly`
  (they get the Monday digest) and `none` are not.
- Announced: published events that have not started, published in the last
  `ANNOUNCE_WINDOW` and not before the member joined (switching to `all`, or
  joining, does not bring a flood of older events). Drafts and cancelled events
  never are; an event cancelled before its announcement went out is dropped.
- **At most one announcement email per member per org per local day**, key
  `announce:<membership>:<yyyy-mm-dd>` (the member's date). The first event of
  the day goes out at once (on publish, on commit); every event that is still
  unannounced then rides along, so a series published together is one email.
  An event published after that day's email went out is **carried to the next
  day's email**, sent by the first run after `CARRY_OVER_HOUR` (08:00) in the
  member's zone — or earlier, with the first fresh event of that day.
- **Unless it would have started by then**: an event that starts before the member's next
  08:00 cannot wait for it (a 07:00 run published the evening before). If that day's
  email went out already, one more goes out at once with only such events (key
  `announce-soon:<membership>:<yyyy-mm-dd>`, at most one a day); before 08:00, the
  carried-over email simply goes out early.
- The ledger of what a member was told is their in-app twin, one notification
  per event (key `announce-event:<membership>:<event>`), written in the same
  transaction as the email and only when the email row was new; so a re-run or
  a second worker at once tells nobody twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from astn.accounts.models import User
from astn.notifications.models import Notification
from astn.notifications.services import EmailEnqueueError, email_enqueue
from events.models import Event
from events.services.mailing import event_item, first_name, member_zone
from orgs.models import Membership

logger = logging.getLogger(__name__)

ANNOUNCE_WINDOW = timedelta(hours=48)
CARRY_OVER_HOUR = 8
# Members per transaction: one sender is started per commit, and locks stay short.
BATCH_SIZE = 200
# Events listed in one email (a first calendar sync may publish dozens at once);
# the rest are counted, and the button leads to the org's event list.
MAX_LISTED = 10
TEMPLATE = "events/email/announcement"


def announcement_email_key(*, membership_id: int, day) -> str:
    return f"announce:{membership_id}:{day.isoformat()}"


def announcement_soon_key(*, membership_id: int, day) -> str:
    return f"announce-soon:{membership_id}:{day.isoformat()}"


def next_carry_over(local_now: datetime) -> datetime:
    """The member's next 08:00 (today's if it has not come yet), in their zone."""
    morning = datetime.combine(local_now.date(), time(CARRY_OVER_HOUR), tzinfo=local_now.tzinfo)
    if local_now >= morning:
        morning = datetime.combine(
            local_now.date() + timedelta(days=1), time(CARRY_OVER_HOUR), tzinfo=local_now.tzinfo
        )
    return morning


def announcement_event_key(*, membership_id: int, event_id: int) -> str:
    return f"announce-event:{membership_id}:{event_id}"


def announceable_events(*, now: datetime, org_ids: Iterable[int] | None = None) -> list[Event]:
    """Return the published, not yet started events published in the announcement window."""
    events = Event.objects.published().filter(
        start__gt=now, published_at__gt=now - ANNOUNCE_WINDOW, published_at__lte=now
    )
    if org_ids is not None:
        events = events.filter(org_id__in=list(org_ids))
    return list(events.select_related("org").order_by("start", "pk"))


def _recipients(org_ids: Iterable[int]):
    return (
        Membership.objects.filter(
            org_id__in=list(org_ids),
            status=Membership.Status.MEMBER,
            muted=False,
            user__isnull=False,
            user__is_active=True,
            user__notification_settings__event_mode="all",
        )
        .select_related("user__profile", "org")
        .order_by("pk")
    )


def _published_at(event: Event) -> datetime:
    # Announceable events are published, so they have a publication time.
    return event.published_at or event.created_at


def _pending(memberships: list[Membership], events_by_org: dict[int, list[Event]]) -> dict:
    """Map each membership id to its events not yet announced to it (set-based ledger check)."""
    wanted: dict[str, tuple[int, Event]] = {}
    for membership in memberships:
        for event in events_by_org[membership.org_id]:
            if _published_at(event) >= membership.joined_at:
                key = announcement_event_key(membership_id=membership.pk, event_id=event.pk)
                wanted[key] = (membership.pk, event)
    told = set(Notification.objects.filter(key__in=list(wanted)).values_list("key", flat=True))
    pending: dict[int, list[Event]] = defaultdict(list)
    for key, (membership_id, event) in wanted.items():
        if key not in told:
            pending[membership_id].append(event)
    return pending


def announcements_send(*, now: datetime, org_ids: Iterable[int] | None = None) -> int:
    """Email and notify members about newly published events; return how many emails were queued.

    `org_ids` limits the run to some orgs (the on-publish path); the job runs over
    all. Idempotent and safe on two workers at once: the outbox key admits one
    email per member, org and day, and the in-app ledger is written only by the
    transaction whose email row was new. Must not run inside a transaction
    (each batch commits, which starts the sender).
    """
    events_by_org: dict[int, list[Event]] = defaultdict(list)
    for event in announceable_events(now=now, org_ids=org_ids):
        events_by_org[event.org_id].append(event)
    if not events_by_org:
        return 0
    memberships = list(_recipients(events_by_org))
    queued = 0
    for start in range(0, len(memberships), BATCH_SIZE):
        batch = memberships[start : start + BATCH_SIZE]
        pending = _pending(batch, events_by_org)
        with transaction.atomic():
            for membership in batch:
                if pending.get(membership.pk):
                    queued += _announce(membership, pending[membership.pk], now=now)
    return queued


def _announce(membership: Membership, events: list[Event], *, now: datetime) -> int:
    user = membership.user
    if user is None:  # the recipients query excludes these; narrows the type
        return 0
    zone = member_zone(user)
    local_now = now.astimezone(zone)
    today = local_now.date()
    fresh = any(_published_at(event).astimezone(zone).date() == today for event in events)
    soon = [event for event in events if event.start < next_carry_over(local_now)]
    if not fresh and not soon and local_now.hour < CARRY_OVER_HOUR:
        return 0  # carried over from yesterday: wait for the morning
    try:
        key = announcement_email_key(membership_id=membership.pk, day=today)
        items = _announce_email(membership, user, events, key=key, zone=zone)
        if items is None and soon:
            # Today's email went out, and these would start before tomorrow's: one more now.
            key = announcement_soon_key(membership_id=membership.pk, day=today)
            events, items = soon, _announce_email(membership, user, soon, key=key, zone=zone)
    except EmailEnqueueError:
        logger.warning("announcements: membership %s has no usable address", membership.pk)
        return 0
    if items is None:
        return 0  # today's email went out already; these events wait for tomorrow's
    Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                kind="event.announced",
                title=f"New at {membership.org.name}: {event.title}",
                body=item["when"],
                url=event.get_absolute_url(),
                key=announcement_event_key(membership_id=membership.pk, event_id=event.pk),
            )
            for event, item in zip(events, items, strict=True)
        ],
        ignore_conflicts=True,
    )
    return 1


def _announce_email(
    membership: Membership, user: User, events: list[Event], *, key: str, zone: ZoneInfo
) -> list[dict] | None:
    """Queue the email announcing `events` under `key`; return their items, or None when
    an email with that key exists already."""
    org = membership.org
    items = [event_item(event, zone=zone) for event in events]
    first = events[0]
    org_events_url = settings.SITE_URL + reverse("events:org-list", kwargs={"slug": org.slug})
    subject = f"New at {org.name}: {first.title}"
    if len(events) > 1:
        subject += f" and {len(events) - 1} more event{'s' if len(events) > 2 else ''}"
    email = email_enqueue(
        key=key,
        to=user.email,
        user=user,
        category="announcements",
        subject=subject,
        template=TEMPLATE,
        context={
            "org_name": org.name,
            "name": first_name(user),
            "heading": f"New at {org.name}",
            "preheader": f"{first.title} · {items[0]['when']}",
            "events": items[:MAX_LISTED],
            "more": max(len(items) - MAX_LISTED, 0),
            "count": len(items),
            "org_url": settings.SITE_URL + org.get_absolute_url(),
            "action_url": items[0]["url"] if len(items) == 1 else org_events_url,
            "action_label": "See the event and RSVP"
            if len(items) == 1
            else "See the events and RSVP",
        },
    )
    return None if email is None else items
