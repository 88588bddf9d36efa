"""`/me/export/`: everything ASTN holds about a member, as one JSON document.

`accounts` writes the account, profile, settings and email addresses; every app
above it adds a section for its own data from its `AppConfig.ready()`::

    from astn.accounts.export import register_export_section

    register_export_section("memberships", lambda user: membership_export_for_user(user=user))

A section function takes the user and returns something `DjangoJSONEncoder` can
encode (dicts, lists, strings, numbers, dates). It must return only data about
that user — never other people's names or emails (a test checks). DESIGN §12:
the export holds everything about the member, AI results included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from astn.core.registry import Registry

EXPORT_FORMAT = "astn-export/1"


@dataclass(frozen=True)
class ExportPart:
    """One top-level key of the export: `build(user)` returns its JSON-able value."""

    name: str
    build: Callable[[Any], Any]


parts: Registry[ExportPart] = Registry("export parts")


def register_export_section(name: str, fn: Callable[[Any], Any]) -> None:
    """Add the part `name` of every member's export (= `parts.register(ExportPart(...))`)."""
    parts.register(ExportPart(name=name, build=fn))


def export_sections() -> list[str]:
    return parts.names()


def export_for_user(user) -> dict:
    """Return the whole export document for `user`: the accounts part, then each app's section."""
    from astn.accounts.selectors import account_export_for_user

    document: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        **account_export_for_user(user=user),
    }
    for part in parts:
        document[part.name] = part.build(user)
    return document
