"""Demo engagement for `seed_demo`: a believable spread of levels with rationales.

For each demo org with people but no engagement yet: a year of past events, a dozen
contacts with a history (regulars, occasional, fading, long gone, newcomers), a few
programs and matches in the activity log, one admin override with its reason, then
a rules-only recompute (no API call inside the seed's transaction; with a key, the
next `engagement_recompute` sends them to Claude). Idempotent: an org that has
scores is left alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from attendance.models import Attendance
from engagement.models import Activity, EngagementOverride, EngagementScore
from engagement.services import activity_record, override_set
from engagement.services.recompute import engagement_recompute_org
from events.models import Event
from orgs.models import Membership, Organization
from orgs.services import membership_contact_add

# Days ago and kind of each past event.
PAST_EVENTS = [
    (330, "talk", "Kick-off evening"),
    (300, "reading_group", "Reading night: The Precipice"),
    (265, "workshop", "Facilitation workshop"),
    (230, "social", "Summer picnic"),
    (195, "reading_group", "Reading night: Doughnut Economics"),
    (160, "talk", "Guest talk: community science"),
    (125, "workshop", "Writing for the web"),
    (95, "social", "Autumn walk"),
    (70, "reading_group", "Reading night: The Dawn of Everything"),
    (48, "talk", "Lightning talks"),
    (26, "workshop", "Data skills clinic"),
    (9, "reading_group", "Reading night: Braiding Sweetgrass"),
]

# Which past events (by index) each archetype came to, and how long they have been around.
ARCHETYPES = {
    "regular": (list(range(2, 12)), 360),
    "occasional": ([1, 4, 7, 9, 11], 340),
    "fading": ([0, 1, 2, 3, 4, 5], 350),
    "gone": ([0], 400),
    "newcomer": ([11], 12),
    "lurker": ([], 200),
}
# Contacts added to each demo org, with their archetype.
CONTACTS = [
    ("Amara Okafor", "regular"),
    ("Ben Carter", "occasional"),
    ("Chloé Martin", "fading"),
    ("Dev Patel", "occasional"),
    ("Elif Yılmaz", "gone"),
    ("Finn Larsen", "newcomer"),
    ("Greta Schmidt", "regular"),
    ("Hiro Tanaka", "lurker"),
    ("Ines Duarte", "fading"),
    ("Jamal Rahman", "occasional"),
    ("Kasia Nowak", "gone"),
    ("Luis Ortega", "newcomer"),
]
USER_ARCHETYPES = ["regular", "occasional", "fading", "regular"]


def _past_events(org: Organization, now: datetime) -> list[Event]:
    events = []
    for index, (days, kind, title) in enumerate(PAST_EVENTS):
        start = (now - timedelta(days=days)).replace(hour=18, minute=30, second=0, microsecond=0)
        event, _ = Event.objects.get_or_create(
            org=org,
            source=Event.Source.MANUAL,
            external_id=f"demo-history-{index}",
            defaults={
                "title": title,
                "description": "A past evening from the demo history.",
                "event_type": kind,
                "start": start,
                "end": start + timedelta(hours=2),
                "timezone": "UTC",
                "location": org.city or "Online",
                "is_online": org.is_online,
                "status": Event.Status.PUBLISHED,
                "published_at": start - timedelta(days=14),
            },
        )
        events.append(event)
    return events


def _contacts(org: Organization) -> list[tuple[Membership, str]]:
    people = []
    for name, archetype in CONTACTS:
        email = f"{name.split()[0].lower()}.{org.slug}@history.example"
        membership = Membership.objects.filter(org=org, email=email).first()
        if membership is None:
            membership = membership_contact_add(org=org, email=email, name=name)
        people.append((membership, archetype))
    return people


def _history(membership: Membership, archetype: str, events: list[Event], now: datetime) -> None:
    attended, tenure = ARCHETYPES[archetype]
    joined_at = now - timedelta(days=tenure)
    Membership.objects.filter(pk=membership.pk).update(joined_at=joined_at)
    Activity.objects.filter(membership=membership, kind__in=["joined", "import"]).update(
        occurred_at=joined_at
    )
    for index in attended:
        event = events[index]
        if event.start < now - timedelta(days=tenure):
            continue
        Attendance.objects.get_or_create(
            event=event,
            membership=membership,
            defaults={
                "rsvp": Attendance.Rsvp.GOING,
                "rsvp_at": event.start - timedelta(days=4),
                "rsvp_source": "self",
                "attended": True,
                "attended_source": "admin",
                "attended_at": event.end,
                "rating": 5 if archetype == "regular" and index % 3 == 0 else None,
            },
        )
    if archetype == "regular":
        activity_record(
            membership=membership,
            kind="program_enrolled",
            occurred_at=now - timedelta(days=80),
            metadata={"program_id": 0},
            dedupe_key="demo-program",
        )
        activity_record(
            membership=membership,
            kind="match_met",
            occurred_at=now - timedelta(days=20),
            dedupe_key="demo-match",
        )
    if archetype == "fading":
        # Said yes to two later evenings and did not come.
        for index in (8, 10):
            Attendance.objects.get_or_create(
                event=events[index],
                membership=membership,
                defaults={
                    "rsvp": Attendance.Rsvp.GOING,
                    "rsvp_at": events[index].start - timedelta(days=3),
                    "rsvp_source": "self",
                    "attended": False,
                    "attended_source": "admin",
                },
            )


def seed(*, stdout) -> None:
    now = timezone.now()
    seeded = 0
    orgs = Organization.objects.filter(memberships__user__email__endswith="@astn.example")
    for org in orgs.distinct().order_by("pk"):
        if EngagementScore.objects.filter(org=org).exists():
            continue
        events = _past_events(org, now)
        users = list(
            Membership.objects.for_org(org)
            .exclude(status=Membership.Status.LEFT)
            .filter(user__isnull=False)
            .order_by("role", "pk")
        )
        for index, membership in enumerate(users):
            _history(membership, USER_ARCHETYPES[index % len(USER_ARCHETYPES)], events, now)
        people = _contacts(org)
        for membership, archetype in people:
            _history(membership, archetype, events, now)
        engagement_recompute_org(org=org, now=now, use_llm=False)
        admin = Membership.objects.for_org(org).admins().filter(user__isnull=False).first()
        fading = next((m for m, a in people if a == "fading"), None)
        if admin and fading and not EngagementOverride.objects.filter(membership=fading).exists():
            override_set(
                membership=fading,
                level="moderate",
                reason="Back from a semester abroad; said they will come to the next evening.",
                acting_user=admin.user,
            )
        seeded += 1
    stdout.write(f"engagement: levels and rationales for {seeded} demo orgs")
