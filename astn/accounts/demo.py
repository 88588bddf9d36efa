"""Demo people: one staff user and members in several cities and time zones."""

from astn.accounts.models import Profile, User
from astn.accounts.services import user_create
from astn.core.demo import DEMO_PASSWORD, DEMO_PEOPLE

_DETAILS = {
    "maya@astn.example": (
        "Community organiser · reading groups",
        ["facilitation", "python"],
        "ethics of AI, book clubs, urban gardening",
    ),
    "jonas@astn.example": ("Data engineer", ["sql", "python"], "open data, cycling, climate tech"),
    "priya@astn.example": (
        "Policy researcher",
        ["writing", "research"],
        "AI governance, public policy, philosophy",
    ),
    "diego@astn.example": (
        "Student of economics",
        ["statistics"],
        "development economics, effective giving",
    ),
    "aiko@astn.example": (
        "Product designer",
        ["design", "figma"],
        "accessibility, design systems, tea",
    ),
    "lena@astn.example": (
        "Nurse and volunteer",
        ["first aid"],
        "global health, running, volunteering",
    ),
    "tomas@astn.example": (
        "Software developer",
        ["javascript", "django"],
        "open source, meetups, surfing",
    ),
    "grace@astn.example": ("Teacher", ["teaching"], "education, reading groups, hiking"),
}


def seed(*, stdout) -> None:
    created = 0
    for email, name, city, tz, _role in DEMO_PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                email=email,
                password=DEMO_PASSWORD,
                name=name,
                timezone=tz,
                is_staff=email.startswith("staff@"),
                is_superuser=email.startswith("staff@"),
            )
            headline, skills, interests = _DETAILS.get(email, ("ASTN staff", [], ""))
            Profile.objects.filter(user=user).update(
                city=city, headline=headline, skills=skills, interests=interests
            )
            _mark_email_verified(user)
            created += 1
    stdout.write(f"accounts: {created} demo people created")


def _mark_email_verified(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
