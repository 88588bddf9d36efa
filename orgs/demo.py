"""Demo orgs for `seed_demo`: six cities and one online community, with admins, members,
contacts and invite links, so browse, "near me" and suggestions look alive. Idempotent."""

from __future__ import annotations

from astn.accounts.models import User
from astn.accounts.services import profile_location_set
from orgs.models import InviteLink, Membership, Organization
from orgs.services import membership_contact_add

# (slug, name, city, lat, lng, is_online, discoverable, description)
DEMO_ORGS = [
    (
        "berlin-reading-circle",
        "Berlin Reading Circle",
        "Berlin",
        52.5200,
        13.4050,
        False,
        True,
        "We read one book a month — philosophy, ethics of AI, the odd novel — and meet in a "
        "Kreuzberg café to talk it through. Newcomers welcome; nobody checks if you finished.",
    ),
    (
        "london-civic-tech",
        "London Civic Tech",
        "London",
        51.5072,
        -0.1276,
        False,
        True,
        "Hack nights for open data, public policy and civic technology. Bring a laptop or an idea; "
        "we pair people who code with people who know the problem.",
    ),
    (
        "lisbon-open-source",
        "Lisbon Open Source Meetup",
        "Lisbon",
        38.7223,
        -9.1393,
        False,
        True,
        "Monthly talks and sprints on open source, Django, JavaScript and developer tooling, "
        "followed by a sunset walk (and sometimes surfing).",
    ),
    (
        "nyc-global-health",
        "NYC Global Health Volunteers",
        "New York",
        40.7128,
        -74.0060,
        False,
        True,
        "Nurses, students and organisers volunteering for global health causes. Training "
        "evenings, first aid refreshers and a running club on Sundays.",
    ),
    (
        "auckland-design-access",
        "Auckland Design & Accessibility",
        "Auckland",
        -36.8485,
        174.7633,
        False,
        True,
        "Designers and developers making products everyone can use: accessibility audits, "
        "design systems, and tea.",
    ),
    (
        "honolulu-outdoor-educators",
        "Honolulu Outdoor Educators",
        "Honolulu",
        21.3069,
        -157.8583,
        False,
        True,
        "Teachers who take learning outside: hiking, reading groups on the beach and "
        "education workshops for the community.",
    ),
    (
        "effective-giving-online",
        "Effective Giving Online",
        "",
        None,
        None,
        True,
        True,
        "A worldwide online community about giving well and development economics. Reading "
        "groups and calls in every time zone.",
    ),
    (
        "berlin-organisers-council",
        "Berlin Organisers Council",
        "Berlin",
        52.5200,
        13.4050,
        False,
        False,
        "Coordination between Berlin community organisers. Not listed; join by invite link.",
    ),
]

# slug -> (admins, members) by demo email
DEMO_MEMBERSHIPS = {
    "berlin-reading-circle": (["maya@astn.example"], ["jonas@astn.example", "grace@astn.example"]),
    "effective-giving-online": (
        ["maya@astn.example"],
        ["diego@astn.example", "priya@astn.example"],
    ),
    "berlin-organisers-council": (["maya@astn.example"], ["jonas@astn.example"]),
    "london-civic-tech": (["priya@astn.example"], ["jonas@astn.example"]),
    "lisbon-open-source": (["tomas@astn.example"], ["diego@astn.example"]),
    "nyc-global-health": (["lena@astn.example"], []),
    "auckland-design-access": (["aiko@astn.example"], []),
    "honolulu-outdoor-educators": (["grace@astn.example"], []),
}

# Contacts: people who came to events but have not joined. Aiko and Diego have accounts,
# so their dashboards ask "You attended events of X — join?".
DEMO_CONTACTS = {
    "berlin-reading-circle": [
        ("lukas.weber@example.net", "Lukas Weber"),
        ("sofia.marino@example.net", "Sofia Marino"),
        ("aiko@astn.example", "Aiko Tanaka"),
    ],
    "london-civic-tech": [
        ("oliver.hughes@example.net", "Oliver Hughes"),
        ("diego@astn.example", "Diego Alvarez"),
    ],
    "lisbon-open-source": [("ines.costa@example.net", "Inês Costa")],
    "nyc-global-health": [("maria.lopez@example.net", "María López")],
}

# Demo people who shared a location (to show "near me" and nearby suggestions).
DEMO_LOCATIONS = {
    "jonas@astn.example": (52.5300, 13.3900),
    "diego@astn.example": (38.7100, -9.1400),
}


def seed(*, stdout) -> None:
    users = {user.email: user for user in User.objects.filter(email__endswith="@astn.example")}
    created_orgs = 0
    for slug, name, city, lat, lng, is_online, discoverable, description in DEMO_ORGS:
        _org, created = Organization.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "city": city,
                "lat": lat,
                "lng": lng,
                "is_online": is_online,
                "discoverable": discoverable,
                "description": description,
                "website": f"https://{slug}.example.org",
            },
        )
        created_orgs += created
    orgs = {org.slug: org for org in Organization.objects.filter(slug__in=DEMO_MEMBERSHIPS)}

    for slug, (admins, members) in DEMO_MEMBERSHIPS.items():
        for email, role in [(e, Membership.Role.ADMIN) for e in admins] + [
            (e, Membership.Role.MEMBER) for e in members
        ]:
            user = users.get(email)
            if user is not None:
                Membership.objects.get_or_create(
                    org=orgs[slug],
                    user=user,
                    defaults={"email": user.email, "name": user.name, "role": role},
                )
        maya = users.get("maya@astn.example")
        admin_user = users.get(admins[0])
        if not InviteLink.objects.filter(org=orgs[slug]).exists():
            InviteLink.objects.create(
                org=orgs[slug], created_by=admin_user or maya, label="Newsletter"
            )

    for slug, contacts in DEMO_CONTACTS.items():
        for email, name in contacts:
            if not Membership.objects.filter(org=orgs[slug], email__iexact=email).exists():
                membership_contact_add(org=orgs[slug], email=email, name=name)

    for email, (lat, lng) in DEMO_LOCATIONS.items():
        user = users.get(email)
        if user is not None and not user.profile.location_discoverable:
            profile_location_set(user=user, lat=lat, lng=lng)

    stdout.write(f"orgs: {created_orgs} demo orgs created ({len(DEMO_ORGS)} in the demo)")
