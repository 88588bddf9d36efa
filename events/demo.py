"""Demo events for the demo orgs (from `orgs/demo.py`): past and upcoming, so pages look alive.

Idempotent: an org that already has an event of the same title is not given it
again; orgs that are missing are skipped. Dates are relative to the day of seeding.
Rows are written directly (not through `event_create`): demo events must not send
"new event" announcements to the demo people.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

from django.utils import timezone as dj_timezone

from events.models import Event
from orgs.models import Membership, Organization

BERLIN_CIRCLE = "berlin-reading-circle"

# slug -> (zone, [(title, type, day offset, local start "HH:MM", hours, where, capacity, status)])
# `where` is a place, or a URL for an online event.
DEMO_EVENTS: dict[str, tuple[str, list[tuple]]] = {
    BERLIN_CIRCLE: (
        "Europe/Berlin",
        [
            (
                "Ursula K. Le Guin: The Dispossessed",
                "reading_group",
                -35,
                "19:00",
                2,
                "Café Kafka, Oranienstraße 1, Berlin",
                None,
                "published",
            ),
            (
                "Book swap and coffee",
                "social",
                -12,
                "15:00",
                3,
                "Kiezbücherei Reuterkiez, Berlin",
                None,
                "published",
            ),
            (
                "Octavia Butler: Kindred",
                "reading_group",
                6,
                "19:00",
                2,
                "Café Kafka, Oranienstraße 1, Berlin",
                12,
                "published",
            ),
            (
                "Writing workshop: short fiction",
                "workshop",
                13,
                "14:00",
                3,
                "Bibliothek am Luisenbad, Travemünder Str. 2",
                8,
                "published",
            ),
            (
                "Online reading: Borges, Ficciones",
                "reading_group",
                20,
                "20:00",
                1.5,
                "https://meet.jit.si/astn-berlin-reading-circle",
                None,
                "published",
            ),
            (
                "Author talk (rescheduled)",
                "talk",
                9,
                "18:30",
                1.5,
                "Literaturhaus Berlin, Fasanenstraße 23",
                None,
                "cancelled",
            ),
            (
                "Winter book swap",
                "social",
                41,
                "16:00",
                2,
                "Café Kafka, Oranienstraße 1, Berlin",
                None,
                "draft",
            ),
        ],
    ),
    "london-civic-tech": (
        "Europe/London",
        [
            (
                "Hack night: open council data",
                "meetup",
                -20,
                "18:30",
                3,
                "The Impact Hub, 34b York Way, London",
                40,
                "published",
            ),
            (
                "Hack night: accessible forms",
                "meetup",
                8,
                "18:30",
                3,
                "The Impact Hub, 34b York Way, London",
                40,
                "published",
            ),
        ],
    ),
    "lisbon-open-source": (
        "Europe/Lisbon",
        [
            (
                "First contributions sprint",
                "workshop",
                11,
                "10:00",
                6,
                "LACS Anjos, Rua Pascoal de Melo 3, Lisboa",
                25,
                "published",
            )
        ],
    ),
    "nyc-global-health": (
        "America/New_York",
        [
            (
                "Volunteer orientation",
                "talk",
                4,
                "18:00",
                1.5,
                "https://meet.jit.si/astn-nyc-global-health",
                None,
                "published",
            )
        ],
    ),
    "effective-giving-online": (
        "UTC",
        [
            (
                "Giving season kickoff",
                "talk",
                -7,
                "17:00",
                1,
                "https://meet.jit.si/astn-effective-giving",
                None,
                "published",
            ),
            (
                "Charity evaluation deep dive",
                "workshop",
                3,
                "17:00",
                1.5,
                "https://meet.jit.si/astn-effective-giving",
                60,
                "published",
            ),
            (
                "Monthly pledge circle",
                "reading_group",
                17,
                "17:00",
                1,
                "https://meet.jit.si/astn-effective-giving",
                None,
                "published",
            ),
        ],
    ),
}


def _moment(zone: str, day_offset: int, clock: str) -> datetime:
    tz = zoneinfo.ZoneInfo(zone)
    today = dj_timezone.now().astimezone(tz).date()
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime.combine(today + timedelta(days=day_offset), time(hour, minute), tzinfo=tz)


def seed(*, stdout) -> None:
    created = 0
    for slug, (zone, templates) in DEMO_EVENTS.items():
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            continue
        admin = Membership.objects.admins().filter(org=org, user__isnull=False).first()
        for title, kind, offset, clock, hours, where, capacity, status in templates:
            if Event.objects.filter(org=org, title=title).exists():
                continue
            start = _moment(zone, offset, clock)
            online = where.startswith("https://")
            now = dj_timezone.now()
            Event.objects.create(
                org=org,
                title=title,
                description=_description(title, kind),
                event_type=kind,
                start=start,
                end=start + timedelta(hours=hours),
                timezone=zone,
                location="" if online else where,
                is_online=online,
                virtual_link=where if online else "",
                capacity=capacity,
                status=status,
                published_at=None if status == "draft" else now - timedelta(days=14),
                cancelled_at=now - timedelta(days=2) if status == "cancelled" else None,
                sequence=1 if status == "cancelled" else 0,
                created_by=admin.user if admin else None,
            )
            created += 1
    stdout.write(f"events: {created} demo events")


def _description(title: str, kind: str) -> str:
    if kind == "reading_group":
        return (
            f"This time we read **{title.split(': ', 1)[-1]}**.\n\n"
            "- Read as much as you like; spoilers are fine after the first hour.\n"
            "- Newcomers welcome — introduce yourself at the start.\n\n"
            "Tea is on us."
        )
    if kind == "workshop":
        return (
            "A hands-on session. Bring a laptop or a notebook.\n\n"
            "Places are limited: RSVP so we can plan."
        )
    if kind == "social":
        return "No agenda, just good company. Bring a friend."
    return "Short talks, then questions and conversation. Everyone welcome."
