"""Account deletion steps contributed by the apps that hold data about a person.

`account_delete` (in `astn.accounts.services`) runs every registered step inside
one transaction, then deletes the user row (its profile, settings and email
addresses go with it by cascade). A step anonymises or deletes its app's rows
that point at or name the user — e.g. orgs detaches memberships and blanks their
email and name, so org statistics keep the count but not the person::

    from astn.accounts.deletion import register_deletion_step

    register_deletion_step(
        "memberships",
        lambda user: memberships_anonymise_for_user(user=user),
        describe=lambda user: ["Your 2 memberships are anonymised."],
    )

`describe(user)` (optional) returns plain sentences shown on the confirmation
page before anything happens (what will be removed, warnings).

Rows with `on_delete=CASCADE` to the user need no step. Rows with `SET_NULL` that
also copy personal data (names, emails, free text) do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from astn.core.registry import Registry


@dataclass(frozen=True)
class DeletionStep:
    name: str
    run: Callable[[Any], None]
    describe: Callable[[Any], list[str]] | None = None


steps: Registry[DeletionStep] = Registry("deletion steps")


def register_deletion_step(
    name: str, fn: Callable[[Any], None], *, describe: Callable[[Any], list[str]] | None = None
) -> None:
    """Add the step `name`, run for every deleted account before the user row goes."""
    steps.register(DeletionStep(name=name, run=fn, describe=describe))


def deletion_steps() -> list[DeletionStep]:
    return steps.items()


def deletion_notes_for(user) -> list[str]:
    """What the apps say will happen to this person's data, for the confirmation page."""
    notes: list[str] = []
    for step in deletion_steps():
        if step.describe is not None:
            notes.extend(step.describe(user))
    return notes
