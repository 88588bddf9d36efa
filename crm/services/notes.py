"""Admins' notes on a membership: markdown, sanitised when shown, seen by that org's admins only.

Notes never reach the member, another org, an export or the LLM (engagement reads
signals only). An admin edits and deletes only their own notes.
"""

from __future__ import annotations

from django.db import transaction

from crm.errors import CrmError
from crm.models import MemberNote
from orgs.models import Membership

NOTE_MAX = 20_000


def _clean_body(body: str) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise CrmError("The note is empty.", code="note_empty")
    if len(body) > NOTE_MAX:
        raise CrmError(
            f"A note has at most {NOTE_MAX:,} characters (this one has {len(body):,}). "
            "Shorten it or split it in two.",
            code="note_long",
        )
    return body


def _check_author(note: MemberNote, acting_user) -> None:
    if note.author_id != acting_user.pk:
        raise CrmError("You can only change your own notes.", code="note_not_yours")


@transaction.atomic
def note_create(*, membership: Membership, author, body: str) -> MemberNote:
    """Add a note by `author` (an admin of the membership's org, checked by the caller)."""
    return MemberNote.objects.create(membership=membership, author=author, body=_clean_body(body))


@transaction.atomic
def note_update(*, note: MemberNote, acting_user, body: str) -> MemberNote:
    """Replace the text of `acting_user`'s own note. Raise `CrmError` otherwise."""
    _check_author(note, acting_user)
    note.body = _clean_body(body)
    note.save(update_fields=["body", "updated_at"])
    return note


@transaction.atomic
def note_delete(*, note: MemberNote, acting_user) -> None:
    """Delete `acting_user`'s own note. Raise `CrmError` otherwise."""
    _check_author(note, acting_user)
    note.delete()
