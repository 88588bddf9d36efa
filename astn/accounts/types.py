"""Types for signatures: who a selector may be asked about.

def upcoming_rsvps(*, user: Viewer) -> list[Attendance]:   # request.user, maybe anonymous
def rsvp_set(*, user: User, actor: User | None = None) -> Attendance:   # services: a person
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from astn.accounts.models import User

Viewer: TypeAlias = User | AnonymousUser

__all__ = ["User", "Viewer"]
