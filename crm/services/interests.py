"""Keep the vectors behind "whom to invite" up to date (`crm.models.interests`).

A member's text is their profile's interests, headline and skills; an event's is its
title, type and description. Each vector is stored with a hash of the backend name and
the text, so a refresh embeds only what changed (or everything, after the backend
changed) and a blank text has no vector (it matches nothing, rather than everything).
Embedding runs on the CPU with the offline default backend; with the `openai` backend
it is an outside call, so these functions are never called inside a transaction.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from crm.models import EventTopicVector, MemberInterestVector
from events.markup import markdown_to_text
from events.models import Event
from orgs.models import Membership, Organization

BATCH = 500


def member_interest_text(*, interests: str, headline: str, skills) -> str:
    return " . ".join(part for part in (interests, headline, ", ".join(skills or [])) if part)


def event_topic_text(event: Event) -> str:
    description = " ".join(markdown_to_text(event.description or "").split())[:2000]
    return f"{event.title} . {event.get_event_type_display()} . {description}"


def _hash(text: str) -> str:
    from astn.core import embeddings

    return hashlib.sha256(f"{embeddings.backend_name()}\n{text}".encode()).hexdigest()


def _embed(texts: list[str]):
    from astn.core import embeddings

    return embeddings.embed_texts(texts)


def interest_vectors_refresh(*, org: Organization) -> int:
    """Embed the members of `org` whose profile text changed; return how many were embedded."""
    rows = (
        Membership.objects.for_org(org)
        .active()
        .filter(user__isnull=False, user__profile__isnull=False)
        .values_list(
            "pk", "user__profile__interests", "user__profile__headline", "user__profile__skills"
        )
    )
    stored = dict(
        MemberInterestVector.objects.for_org(org).values_list("membership_id", "text_hash")
    )
    todo: list[tuple[int, str, str]] = []
    blank: list[int] = []
    for pk, interests, headline, skills in rows.iterator(chunk_size=2000):
        text = member_interest_text(interests=interests, headline=headline, skills=skills)
        if not text.strip():
            if pk in stored:
                blank.append(pk)
            continue
        digest = _hash(text)
        if stored.get(pk) != digest:
            todo.append((pk, text, digest))
    if blank:
        MemberInterestVector.objects.filter(membership_id__in=blank).delete()
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        vectors = _embed([text for _, text, _ in chunk])
        now = timezone.now()
        with transaction.atomic():
            MemberInterestVector.objects.bulk_create(
                [
                    MemberInterestVector(
                        membership_id=pk, text_hash=digest, vector=vectors[i], updated_at=now
                    )
                    for i, (pk, _, digest) in enumerate(chunk)
                ],
                update_conflicts=True,
                unique_fields=["membership"],
                update_fields=["text_hash", "vector", "updated_at"],
            )
    return len(todo)


def topic_vectors_refresh(*, events: list[Event]) -> int:
    """Embed the events whose title, type or description changed; return how many."""
    stored = dict(
        EventTopicVector.objects.filter(event__in=events).values_list("event_id", "text_hash")
    )
    todo = []
    for event in events:
        text = event_topic_text(event)
        digest = _hash(text)
        if stored.get(event.pk) != digest:
            todo.append((event.pk, text, digest))
    if not todo:
        return 0
    vectors = _embed([text for _, text, _ in todo])
    now = timezone.now()
    EventTopicVector.objects.bulk_create(
        [
            EventTopicVector(event_id=pk, text_hash=digest, vector=vectors[i], updated_at=now)
            for i, (pk, _, digest) in enumerate(todo)
        ],
        update_conflicts=True,
        unique_fields=["event"],
        update_fields=["text_hash", "vector", "updated_at"],
    )
    return len(todo)


def interest_vectors_refresh_all() -> int:
    """The hourly `crm_interest_vectors` job: for every org, the members whose profile text
    changed and the upcoming events whose topic changed. Embedding runs outside any
    transaction; unchanged text is skipped by its hash, so a quiet hour embeds nothing."""
    from crm.selectors.invitations import upcoming_for_invitations

    total = 0
    for org in Organization.objects.all().iterator():
        total += interest_vectors_refresh(org=org)
        total += topic_vectors_refresh(events=upcoming_for_invitations(org=org))
    return total
