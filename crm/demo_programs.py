"""Demo data for programs, insights, invitations and follow-ups (#14).

`seed_programs(*, stdout)` is called from `crm/demo.py: seed()`. It gives the Berlin
Reading Circle eight months of history so every insight has something to say:

- a cohort of readers with profiles (interests, some companies) and past sessions;
- steady regulars (the leaderboard; those who gave feedback are advocacy candidates),
  newcomers on the rise, and three people slipping away: regulars until about ten weeks
  ago, once since — "declining" now, while engagement would call them inactive only
  after 180 days without activity;
- a completed spring reading group (completions come from attendance by themselves),
  an open fellowship on the upcoming sessions (Jonas enrolled, Grace asking to join),
  an archived program;
- a few personal invitations (one converted) and open follow-ups for Maya.

Idempotent: everything is keyed by names; a second run changes nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from astn.accounts.models import User
from attendance.models import Attendance
from crm.models import Enrollment, FollowUp, Invitation, Program, ProgramSession
from events.models import Event
from orgs.models import Membership, Organization

ORG = "berlin-reading-circle"
MARKER = "Spring reading group: utopias and their discontents"

# (first, last, interests, company, pattern)
READERS = [
    ("Hannah", "Schulz", "utopian fiction, political philosophy", "Zalando", "steady"),
    ("Felix", "Wagner", "science fiction, AI ethics", "SAP", "steady"),
    ("Amira", "Haddad", "postcolonial literature, translation", "", "steady"),
    ("Jakob", "Richter", "climate fiction, urban planning", "Siemens", "steady"),
    ("Leonie", "Koch", "poetry, short fiction writing", "Charité", "steady"),
    ("Noah", "Fischer", "history of science, philosophy of mind", "TU Berlin", "steady"),
    ("Mila", "Neumann", "speculative fiction, feminist theory", "Zalando", "rising"),
    ("Ben", "Schwarz", "AI safety, machine learning", "SAP", "rising"),
    ("Clara", "Zimmermann", "memoir, creative nonfiction", "", "rising"),
    ("Elias", "Hoffmann", "science fiction, space exploration", "Siemens", "slipping"),
    ("Sara", "Yilmaz", "utopian fiction, economics", "Charité", "slipping"),
    ("Paul", "Krüger", "philosophy, ethics of technology", "TU Berlin", "slipping"),
    ("Lina", "Hartmann", "poetry, translation", "", "occasional"),
    ("Tim", "Lange", "board games, social events", "Zalando", "occasional"),
    ("Emma", "Werner", "writing workshops, short fiction", "", "occasional"),
    ("Omar", "Said", "climate policy, cli-fi", "SAP", "occasional"),
]

# (days ago, title, type, description)
PAST = [
    (
        238,
        "Thomas More: Utopia",
        "reading_group",
        "The book that named the genre: islands, property and the good society.",
    ),
    (224, "Zamyatin: We", "reading_group", "The dystopia behind 1984 and Brave New World."),
    (
        210,
        "Talk: Why utopias fail",
        "talk",
        "A political philosopher on planning, freedom and the limits of blueprints.",
    ),
    (
        196,
        "Le Guin: The Left Hand of Darkness",
        "reading_group",
        "Gender, loyalty and a planet of ice.",
    ),
    (
        182,
        "Workshop: writing speculative short fiction",
        "workshop",
        "Build a world in a thousand words.",
    ),
    (
        168,
        "Huxley: Island",
        "reading_group",
        "Huxley's late utopia: ecology, psychedelics, education.",
    ),
    (
        154,
        "Bookshop crawl in Kreuzberg",
        "social",
        "Four bookshops, one evening, many recommendations.",
    ),
    (
        140,
        "Kim Stanley Robinson: Pacific Edge",
        "reading_group",
        "A Californian ecotopia and the politics of water.",
    ),
    (
        126,
        "Talk: AI and the future of work",
        "talk",
        "What machine learning changes for work, and what it does not.",
    ),
    (
        112,
        "Callenbach: Ecotopia",
        "reading_group",
        "A seceded Pacific Northwest and its steady-state economy.",
    ),
    (
        98,
        "Bellamy: Looking Backward",
        "reading_group",
        "Boston in the year 2000, as imagined in 1888.",
    ),
    (
        84,
        "Workshop: translation as reading",
        "workshop",
        "Reading a poem through three translations.",
    ),
    (
        70,
        "Piercy: Woman on the Edge of Time",
        "reading_group",
        "Feminist utopia and its dystopian twin.",
    ),
    (56, "Summer reading swap", "social", "Bring a book, take a book."),
    (
        42,
        "Banks: The Player of Games",
        "reading_group",
        "Post-scarcity, games and empire in the Culture.",
    ),
    (
        28,
        "Talk: The economics of abundance",
        "talk",
        "An economist on post-scarcity fiction and real markets.",
    ),
    (
        14,
        "Robinson: The Ministry for the Future",
        "reading_group",
        "Climate fiction as policy thought experiment.",
    ),
]

# How often each pattern comes: (share of events before ~75 days ago, share since)
PATTERNS = {
    "steady": (0.85, 0.85),
    "rising": (0.1, 0.9),
    "slipping": (0.9, 0.0),
    "occasional": (0.3, 0.3),
}


def _zone_start(days_ago: int):
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    return (now - timedelta(days=days_ago)).replace(hour=18)


def _reader(org: Organization, first: str, last: str, interests: str, company: str):
    email = f"{first}.{last}@readers.example".lower().replace("ü", "ue")
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, name=f"{first} {last}")
        profile = user.profile
        profile.interests = interests
        profile.city = "Berlin"
        profile.timezone = "Europe/Berlin"
        profile.save()
    membership, _ = Membership.objects.get_or_create(
        org=org,
        user=user,
        defaults={
            "email": email,
            "name": f"{first} {last}",
            "company": company,
            "joined_at": timezone.now() - timedelta(days=260),
        },
    )
    return membership


def _past_events(org: Organization) -> list[Event]:
    events = []
    for days, title, kind, description in PAST:
        event = Event.objects.filter(org=org, title=title).first()
        if event is None:
            start = _zone_start(days)
            event = Event.objects.create(
                org=org,
                title=title,
                description=description,
                event_type=kind,
                start=start,
                end=start + timedelta(hours=2),
                timezone="Europe/Berlin",
                location="Café Kafka, Oranienstraße 1, Berlin",
                status=Event.Status.PUBLISHED,
                published_at=start - timedelta(days=14),
            )
        events.append(event)
    return events


def _history(people: list[tuple[Membership, str]], events: list[Event]) -> int:
    """Who came to what, by pattern (a fixed seed: the same every run)."""
    rng = random.Random(14)  # noqa: S311 - repeatable demo data, not a secret
    cutoff = timezone.now() - timedelta(days=75)
    rows = []
    for membership, pattern in people:
        before, after = PATTERNS[pattern]
        for index, event in enumerate(events):
            share = before if event.start < cutoff else after
            came = rng.random() < share
            if pattern == "slipping" and index == len(events) - 5:
                came = True  # one last visit about ten weeks ago
            if not came:
                continue
            feedback = (
                "Loved the discussion — could we read more non-Western utopias?"
                if pattern == "steady" and index % 3 == 0
                else ""
            )
            rows.append(
                Attendance(
                    event=event,
                    membership=membership,
                    rsvp=Attendance.Rsvp.GOING,
                    rsvp_at=event.start - timedelta(days=5),
                    rsvp_source="self",
                    attended=True,
                    attended_source="admin",
                    attended_at=event.end,
                    rating=5 if feedback else None,
                    feedback=feedback,
                )
            )
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _programs(org: Organization, admin, events: list[Event], people: dict[str, Membership]):
    from crm.services.programs import enrollments_recompute

    reading = [e for e in events if e.event_type == "reading_group"]
    spring = Program.objects.create(
        org=org,
        name=MARKER,
        kind=Program.Kind.READING_GROUP,
        description="Five classics of utopian fiction, one every two weeks.",
        starts_on=reading[-7].start.date(),
        ends_on=reading[-3].start.date(),
        capacity=14,
        required_sessions=3,
        created_by=admin,
    )
    ProgramSession.objects.bulk_create(
        [ProgramSession(program=spring, event=e) for e in reading[-7:-2]]
    )
    now = timezone.now()
    for key in ("Hannah", "Felix", "Amira", "Jakob", "Mila", "Elias", "Sara", "Lina", "Tim"):
        Enrollment.objects.create(
            program=spring,
            membership=people[key],
            enrolled_at=spring.created_at - timedelta(days=120),
        )
    enrollments_recompute(program_ids=[spring.pk])

    upcoming = list(
        Event.objects.filter(org=org, event_type="reading_group", start__gt=now).order_by("start")
    )
    fellowship = Program.objects.create(
        org=org,
        name="Octavia Butler fellowship",
        kind=Program.Kind.FELLOWSHIP,
        description="Read Butler with us this season; attend two sessions to complete it.",
        starts_on=(reading[-1].start).date(),
        open_for_requests=True,
        required_sessions=2,
        created_by=admin,
    )
    ProgramSession.objects.bulk_create(
        [ProgramSession(program=fellowship, event=e) for e in [reading[-1], *upcoming[:2]]]
    )
    jonas = Membership.objects.filter(org=org, user__email="jonas@astn.example").first()
    grace = Membership.objects.filter(org=org, user__email="grace@astn.example").first()
    for key in ("Hannah", "Ben", "Noah"):
        Enrollment.objects.create(program=fellowship, membership=people[key], enrolled_at=now)
    if jonas:
        Enrollment.objects.create(program=fellowship, membership=jonas, enrolled_at=now)
        Attendance.objects.update_or_create(
            event=reading[-1],
            membership=jonas,
            defaults={"attended": True, "attended_source": "self", "rsvp": "going"},
        )
    if grace:
        Enrollment.objects.create(
            program=fellowship,
            membership=grace,
            status=Enrollment.Status.REQUESTED,
            requested_at=now - timedelta(hours=5),
        )
    enrollments_recompute(program_ids=[fellowship.pk])

    Program.objects.create(
        org=org,
        name="Winter poetry circle",
        kind=Program.Kind.OTHER,
        completion_rule=Program.CompletionRule.MANUAL,
        status=Program.Status.ARCHIVED,
        archived_at=now - timedelta(days=90),
        created_by=admin,
    )


def _actions(org: Organization, admin, people: dict[str, Membership]) -> None:
    now = timezone.now()
    FollowUp.objects.create(
        membership=people["Hannah"],
        kind=FollowUp.Kind.ADVOCACY,
        note="Ask Hannah to host the autumn reading group.",
        assignee=admin,
        due_on=(now + timedelta(days=7)).date(),
        created_by=admin,
    )
    FollowUp.objects.create(
        membership=people["Elias"],
        kind=FollowUp.Kind.OUTREACH,
        note="Hasn't come since the summer — send a personal note about the Butler fellowship.",
        assignee=admin,
        due_on=(now + timedelta(days=3)).date(),
        created_by=admin,
    )
    FollowUp.objects.create(
        membership=people["Felix"],
        kind=FollowUp.Kind.ADVOCACY,
        note="Asked Felix to give a lightning talk on AI ethics.",
        assignee=admin,
        status=FollowUp.Status.DONE,
        closed_at=now - timedelta(days=2),
        created_by=admin,
    )
    workshop = (
        Event.objects.filter(org=org, start__gt=now, status=Event.Status.PUBLISHED)
        .exclude(event_type="reading_group")
        .order_by("start")
        .first()
    )
    if workshop is None:
        return
    for key in ("Leonie", "Emma", "Clara"):
        _, created = Invitation.objects.get_or_create(
            event=workshop,
            membership=people[key],
            defaults={"reason": "Based on your interest in short fiction.", "sent_by": admin},
        )
        if created and key == "Leonie":
            Attendance.objects.update_or_create(
                event=workshop,
                membership=people[key],
                defaults={"rsvp": "going", "rsvp_at": now, "rsvp_source": "self"},
            )


def seed_programs(*, stdout) -> None:
    org = Organization.objects.filter(slug=ORG).first()
    if org is None or Program.objects.filter(org=org, name=MARKER).exists():
        return
    admin = User.objects.filter(email="maya@astn.example").first()
    with transaction.atomic():
        cohort = [(_reader(org, f, last, i, c), p) for f, last, i, c, p in READERS]
        people = {m.name.split()[0]: m for m, _ in cohort}
        events = _past_events(org)
        came = _history(cohort, events)
        _programs(org, admin, events, people)
        _actions(org, admin, people)
    _refresh(org)
    stdout.write(
        f"crm: {len(cohort)} readers with {came} past attendances, 3 programs, "
        "follow-ups and invitations in the Berlin Reading Circle"
    )


def _refresh(org: Organization) -> None:
    """Vectors for "whom to invite", and engagement levels from the new history."""
    from crm.selectors.invitations import upcoming_for_invitations
    from crm.services.interests import interest_vectors_refresh, topic_vectors_refresh

    interest_vectors_refresh(org=org)
    topic_vectors_refresh(events=upcoming_for_invitations(org=org))
    from engagement.services.recompute import engagement_recompute_org

    # Rules only: seed_demo runs in a transaction, and no outside call belongs in one.
    engagement_recompute_org(org=org, use_llm=False)
