"""Vectors for "whom to invite": what a member is interested in, what an event is about.

Both come from `astn.core.embeddings` and are kept with the hash of the text they were
computed from, so a refresh only embeds what changed. pgvector compares them in SQL.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from pgvector.django import VectorField

from events.models import Event
from orgs.models import Membership, Organization

# The kernel's embedding size (astn.core.embeddings); a backend of another size is refused.
DIMENSIONS = 256


class MemberInterestVectorQuerySet(models.QuerySet):
    def for_org(self, org: Organization):
        return self.filter(membership__org=org)


class MemberInterestVector(models.Model):
    """The embedding of a member's profile interests, headline and skills."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="crm_interest_vector"
    )
    text_hash = models.CharField(max_length=64)
    vector = VectorField(dimensions=DIMENSIONS)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = MemberInterestVectorQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Interests of {self.membership_id}"


class EventTopicVectorQuerySet(models.QuerySet):
    def for_org(self, org: Organization):
        return self.filter(event__org=org)


class EventTopicVector(models.Model):
    """The embedding of an event's title, type and description."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="crm_topic_vector")
    text_hash = models.CharField(max_length=64)
    vector = VectorField(dimensions=DIMENSIONS)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = EventTopicVectorQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Topic of {self.event_id}"
