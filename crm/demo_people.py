"""Demo data for the CRM pages (#13): a community big enough for the dashboard and directory.

`seed_people(*, stdout)` is called from `crm/demo.py: seed()`. For the Berlin Reading
Circle (Maya is its admin) it adds:

- ~90 members with accounts and profiles (cities, career stages, skills, headlines; a
  few keep their profile or attendance private) and ~190 contacts from imports and
  lu.ma, joined over the past 14 months;
- a year of monthly reading nights plus workshops and socials, with RSVPs and
  attendance (sources: imports, lu.ma check-ins, admins, self-reports), some ratings;
  attendance is written with its ledger rows so member timelines show it;
- engagement: the activity log for all of it, then a rules-only recompute, so every
  level comes from the real scorer; one override by Maya;
- tags (Speaker, Volunteer, Core team, Newsletter, Sponsor contact) and a few notes.

Idempotent: if the org already has the "Speaker" tag, nothing happens.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from astn.accounts.models import CareerStage, PrivacySettings, Profile, User
from attendance.models import Attendance, AttendanceChange, Source
from crm.models import MemberNote, MembershipTag, Tag
from engagement.models import Activity, EngagementOverride, Level
from events.models import Event
from orgs.models import Membership, Organization

ORG = "berlin-reading-circle"
MARKER_TAG = "Speaker"
FIRST = ["Lea", "Noah", "Mia", "Elias", "Emma", "Finn", "Lina", "Paul", "Sofia", "Ben", "Ida",
         "Luis", "Nora", "Jonah", "Clara", "Oskar", "Mila", "Anton", "Ella", "Theo", "Ayla",
         "Karim", "Yara", "Mateo", "Zoe", "Leon", "Hana", "Omar", "Greta", "Tariq"]  # fmt: skip
LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
        "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Yilmaz",
        "Kowalski", "Nguyen", "Rossi", "Dubois", "Haddad", "Okafor", "Silva", "Berg"]  # fmt: skip
CITIES = ["Berlin", "Berlin", "Berlin", "Potsdam", "Leipzig", "Hamburg", ""]
SKILLS = [["Python", "Data"], ["Design"], ["Writing", "Editing"], ["Policy"], [],
          ["Facilitation"], ["Translation"], ["Django", "Python"], ["Research"]]  # fmt: skip
HEADLINES = ["Data engineer who reads too much sci-fi", "PhD student, philosophy of mind",
             "Product designer", "Librarian", "Policy advisor", "Translator (DE/EN/AR)",
             "Backend developer", "Teacher", "Journalist", ""]  # fmt: skip
EVENT_KINDS = [("Monthly reading night", Event.EventType.READING_GROUP),
               ("Writing workshop", Event.EventType.WORKSHOP),
               ("Summer picnic", Event.EventType.SOCIAL),
               ("Author talk", Event.EventType.TALK)]  # fmt: skip
NOTES = [
    "Offered to host the **March** session at her office — follow up in February.",
    "Prefers email over chat. Interested in co-organising the writing workshop.",
    "Gave a great lightning talk on *The Dispossessed*; ask again for the autumn series.",
    "Moved to Leipzig in the summer, still joins online.",
    "Introduced us to the Kiezbücherei for a venue. Say thanks at the next night!",
]


def _people(org: Organization, rng: random.Random, now) -> list[Membership]:
    created: list[Membership] = []
    password = make_password(None)  # unusable: demo-only accounts nobody logs in as
    users = User.objects.bulk_create(
        User(email=f"reader{n}@demo.astn.example", name=f"{FIRST[n % 30]} {LAST[(n * 7) % 24]}",
             password=password)
        for n in range(90)
    )  # fmt: skip
    stages = [c.value for c in CareerStage] + [""]
    Profile.objects.bulk_create(
        Profile(user=u, city=CITIES[n % 7], career_stage=stages[n % len(stages)],
                skills=SKILLS[n % len(SKILLS)], headline=HEADLINES[n % len(HEADLINES)],
                timezone="Europe/Berlin")
        for n, u in enumerate(users)
    )  # fmt: skip
    PrivacySettings.objects.bulk_create(
        PrivacySettings(user=u, profile_visible_to_admins=n % 17 != 5,
                        attendance_visible_to_admins=n % 23 != 7)
        for n, u in enumerate(users)
    )  # fmt: skip
    for n, user in enumerate(users):
        created.append(
            Membership(org=org, user=user, email=user.email, name=user.name,
                       source=Membership.Source.SELF if n % 3 else Membership.Source.INVITE,
                       joined_at=now - timedelta(days=rng.randint(3, 420)))
        )  # fmt: skip
    for n in range(190):
        name = f"{FIRST[(n * 11) % 30]} {LAST[(n * 5 + 3) % 24]}"
        created.append(
            Membership(org=org, email=f"guest{n}@demo.astn.example", name=name,
                       status=Membership.Status.CONTACT,
                       source=Membership.Source.IMPORT if n % 2 else Membership.Source.LUMA,
                       joined_at=now - timedelta(days=rng.randint(1, 400)))
        )  # fmt: skip
    for membership in created:
        membership.created_at = membership.joined_at
    return Membership.objects.bulk_create(created)


def _events(org: Organization, now) -> list[Event]:
    events = []
    for month in range(12, 0, -1):
        # Monthly, the latest a little over two weeks ago: every month of the year has one.
        start = (now - timedelta(days=30 * month - 14)).replace(hour=17, minute=30, second=0,
                                                               microsecond=0)  # fmt: skip
        title, kind = EVENT_KINDS[0] if month % 3 else EVENT_KINDS[1 + month % 3]
        if month in (5, 11):
            title, kind = EVENT_KINDS[2 if month == 5 else 3]
        events.append(
            Event(org=org, title=f"{title} · {start:%B %Y}", event_type=kind, start=start,
                  end=start + timedelta(hours=2), timezone="Europe/Berlin",
                  location="Kiezbücherei, Berlin", status=Event.Status.PUBLISHED,
                  published_at=start - timedelta(days=20))
        )  # fmt: skip
    return Event.objects.bulk_create(events)


def _attendance(org, events, people, rng, admin) -> tuple[int, list]:
    """RSVPs and attendance with their ledger rows; the mix drifts so levels differ. On
    the latest evening some have not answered "Did you attend?" yet (the dashboard asks)."""
    rows, changes, activities = [], [], []
    # Each person has a habit: how likely they come (regulars, occasional, fading, new).
    habit = {m.pk: rng.choice([0.75, 0.5, 0.3, 0.15, 0.05]) for m in people}
    sources = [Source.IMPORT, Source.LUMA_CHECKIN, Source.ADMIN, Source.SELF]
    for index, event in enumerate(events):
        recent = index >= len(events) - 3
        for membership in people:
            if membership.joined_at > event.start:
                continue
            chance = habit[membership.pk] * (0.3 if habit[membership.pk] == 0.3 and recent else 1)
            if rng.random() > chance:
                continue
            came = rng.random() < 0.78
            source = sources[rng.randrange(4)]
            rsvp_at = event.start - timedelta(days=rng.randint(1, 14))
            row = Attendance(event=event, membership=membership, rsvp=Attendance.Rsvp.GOING,
                             rsvp_at=rsvp_at, rsvp_source=Source.SELF, attended=came,
                             attended_source=source, attended_at=event.end,
                             rating=rng.choice([None, None, 4, 5, 3]) if came else None,
                             created_at=rsvp_at)  # fmt: skip
            if index == len(events) - 1 and rng.random() < 0.15:
                row.attended, row.attended_source, row.attended_at = None, "", None
                row.prompt_count, row.last_prompted_at = 1, event.end + timedelta(hours=3)
            rows.append(row)
    Attendance.objects.bulk_create(rows)
    for row in rows:
        changes.append(AttendanceChange(attendance=row, field="rsvp", old="none", new="going",
                                        source=Source.SELF, at=row.rsvp_at))  # fmt: skip
        activities.append(Activity(
            org=org, membership=row.membership, kind="rsvp",
            occurred_at=row.rsvp_at, dedupe_key=f"demo-rsvp:{row.pk}",
        ))  # fmt: skip
        if row.attended is None:
            continue
        changes.append(AttendanceChange(
            attendance=row, field="attended", old="", new="true" if row.attended else "false",
            source=row.attended_source,
            actor=admin if row.attended_source == Source.ADMIN else None,
            at=row.event.end + timedelta(hours=rng.randint(2, 48)),
        ))  # fmt: skip
        activities.append(Activity(
            org=org, membership=row.membership,
            kind="attended" if row.attended else "no_show",
            occurred_at=row.event.end, dedupe_key=f"demo-att:{row.pk}",
        ))  # fmt: skip
    AttendanceChange.objects.bulk_create(changes)
    Activity.objects.bulk_create(activities, ignore_conflicts=True)
    return len(rows), rows


def _tags_and_notes(org, people, admin) -> None:
    tags = Tag.objects.bulk_create(
        [Tag(org=org, name=MARKER_TAG, colour=Tag.Colour.GREEN),
         Tag(org=org, name="Volunteer", colour=Tag.Colour.BLUE),
         Tag(org=org, name="Core team", colour=Tag.Colour.DARK),
         Tag(org=org, name="Newsletter", colour=Tag.Colour.TEAL),
         Tag(org=org, name="Sponsor contact", colour=Tag.Colour.YELLOW)]
    )  # fmt: skip
    links = []
    for n, membership in enumerate(people):
        for t, every in enumerate((13, 9, 29, 4, 41)):
            if n % every == t:
                links.append(MembershipTag(tag=tags[t], membership=membership, added_by=admin))
    MembershipTag.objects.bulk_create(links)
    members = [m for m in people if m.user_id]
    for n, text in enumerate(NOTES):
        MemberNote.objects.create(membership=members[n * 7], author=admin, body=text)


def seed_people(*, stdout) -> None:
    org = Organization.objects.filter(slug=ORG).first()
    if org is None or Tag.objects.for_org(org).filter(name=MARKER_TAG).exists():
        return
    admin_membership = Membership.objects.for_org(org).admins().select_related("user").first()
    admin = admin_membership.user if admin_membership else None
    rng = random.Random(13)  # noqa: S311 - repeatable demo data, not security
    now = timezone.now()
    people = _people(org, rng, now)
    events = _events(org, now)
    count, _rows = _attendance(org, events, people, rng, admin)
    _tags_and_notes(org, people, admin)
    _levels(org, people, admin, now)
    stdout.write(
        f"crm: {len(people)} people, {len(events)} past events, {count} attendance rows, "
        "tags, notes and levels for the Berlin Reading Circle"
    )


def _levels(org, people, admin, now) -> None:
    """Levels from the real rules scorer (no LLM while seeding), then one admin override."""
    from engagement.services.recompute import engagement_recompute_org

    engagement_recompute_org(org=org, now=now, use_llm=False)
    regular = next((m for m in people if m.user_id), None)
    if regular is not None and admin is not None:
        EngagementOverride.objects.get_or_create(
            org=org, membership=regular, cleared_at=None,
            defaults={"level": Level.HIGHLY_ENGAGED, "by": admin,
                      "reason": "Runs the translation circle; most of her work is online."},
        )  # fmt: skip
