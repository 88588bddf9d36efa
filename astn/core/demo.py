"""Demo logins shared by `seed_demo` and the banner `make run` prints. No Django imports."""

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - public demo data, printed on purpose

# (email, name, city, timezone, role shown in the banner)
DEMO_PEOPLE = [
    (
        "staff@astn.example",
        "Sam Okafor",
        "London",
        "Europe/London",
        "staff: Django admin at /admin/",
    ),
    ("maya@astn.example", "Maya Lindqvist", "Berlin", "Europe/Berlin", "org admin"),
    ("jonas@astn.example", "Jonas Becker", "Berlin", "Europe/Berlin", "member"),
    ("priya@astn.example", "Priya Raman", "London", "Europe/London", "member"),
    ("diego@astn.example", "Diego Alvarez", "Lisbon", "Europe/Lisbon", "member"),
    ("aiko@astn.example", "Aiko Tanaka", "Auckland", "Pacific/Auckland", "member"),
    ("lena@astn.example", "Lena Novak", "New York", "America/New_York", "member"),
    ("tomas@astn.example", "Tomás Ferreira", "Lisbon", "Europe/Lisbon", "member"),
    ("grace@astn.example", "Grace Mensah", "Honolulu", "Pacific/Honolulu", "member"),
]


def banner() -> str:
    """Return every demo login for the `make run` banner (a new person tries each role)."""
    lines = [f"  Demo logins (password for all: {DEMO_PASSWORD}):"]
    for email, name, city, _tz, role in DEMO_PEOPLE:
        lines.append(f"    {email:22} {name} ({city}), {role}")
    return "\n".join(lines)
