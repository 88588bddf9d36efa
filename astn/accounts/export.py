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
from typing import Any

from django.utils import timezone

EXPORT_FORMAT = "astn-export/1"

_SECTIONS: dict[str, Callable[[Any], Any]] = {}


def register_export_section(name: str, fn: Callable[[Any], Any]) -> None:
    """Add (or replace) the section `name` of every member's export."""
    _SECTIONS[name] = fn


def export_sections() -> list[str]:
    return sorted(_SECTIONS)


def export_for_user(user) -> dict:
    """Return the whole export document for `user`: the accounts part, then each app's section."""
    from astn.accounts.selectors import account_export_for_user

    document: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        **account_export_for_user(user=user),
    }
    for name in export_sections():
        document[name] = _SECTIONS[name](user)
    return document
