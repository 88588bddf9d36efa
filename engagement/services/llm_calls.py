"""Calls to Anthropic: one Messages request per chunk, or a Message Batch for big orgs.

Never called inside a database transaction (DESIGN §12). Every call, successful or
not, writes one `LlmUsage` row. The SDK's own retries (429, 529, 5xx, timeouts,
honouring `retry-after`) are the only retry layer; after them, a failure keeps the
previous results and the next run resumes with whatever is still unsent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from engagement.models import LlmBatch, LlmUsage
from engagement.scoring import llm
from engagement.scoring.prices import cost_usd
from orgs.models import Organization

logger = logging.getLogger(__name__)


@dataclass
class ChunkResult:
    answers: dict[str, llm.Answer] = field(default_factory=dict)
    error: str = ""


def _record_usage(
    *,
    org: Organization,
    model: str,
    kind: str,
    usage: dict[str, int],
    memberships: int,
    request_id: str = "",
    error: str = "",
) -> LlmUsage:
    return LlmUsage.objects.create(
        org=org,
        model=model,
        kind=kind,
        outcome=LlmUsage.Outcome.ERROR if error else LlmUsage.Outcome.OK,
        error=error[:300],
        request_id=request_id[:120],
        memberships=memberships,
        cost_usd=cost_usd(model=model, batch=kind == LlmUsage.Kind.BATCH, **usage),
        at=timezone.now(),
        **usage,
    )


def _error_text(error: Exception) -> str:
    status = getattr(error, "status_code", None)
    name = type(error).__name__
    return f"{name} {status}" if status else f"{name}: {str(error)[:200]}"


def classify_chunk(
    *, client: Any, org: Organization, items: list[llm.Item], model: str, as_of: date
) -> ChunkResult:
    """Send one Messages request for `items`; validate the answer per key."""
    params = llm.request_params(items=items, model=model, as_of=as_of)
    try:
        message = client.messages.create(**params)
    except Exception as error:  # any API, network or decoding failure keeps the old result
        text = _error_text(error)
        logger.warning("engagement: Messages request for org %s failed: %s", org.pk, text)
        _record_usage(
            org=org,
            model=model,
            kind=LlmUsage.Kind.MESSAGE,
            usage=llm.usage_of(None),
            memberships=len(items),
            error=text,
        )
        return ChunkResult(error=text)
    answers = llm.parse_message(message, items)
    _record_usage(
        org=org,
        model=model,
        kind=LlmUsage.Kind.MESSAGE,
        usage=llm.usage_of(message),
        memberships=len(items),
        request_id=str(getattr(message, "id", "") or ""),
    )
    for answer in answers.values():
        if not answer.ok:
            logger.info("engagement: answer for %s rejected: %s", answer.key, answer.error)
    return ChunkResult(answers=answers)


def batch_submit(
    *, client: Any, org: Organization, chunks: list[list[llm.Item]], model: str, as_of: date
) -> LlmBatch | None:
    """Submit one Message Batch (one request per chunk); None if the API refused it."""
    requests = []
    items: dict[str, dict] = {}
    for index, chunk in enumerate(chunks):
        custom_id = f"org{org.pk}-chunk{index}"
        params = llm.request_params(items=chunk, model=model, as_of=as_of)
        requests.append({"custom_id": custom_id, "params": params})
        items[custom_id] = {
            item.key: {"m": item.membership_id, "h": item.signals_hash, "p": item.payload}
            for item in chunk
        }
    try:
        batch = client.messages.batches.create(requests=requests)
    except Exception as error:  # see classify_chunk
        text = _error_text(error)
        logger.warning("engagement: batch submit for org %s failed: %s", org.pk, text)
        _record_usage(
            org=org,
            model=model,
            kind=LlmUsage.Kind.BATCH,
            usage=llm.usage_of(None),
            memberships=sum(len(c) for c in chunks),
            error=text,
        )
        return None
    return LlmBatch.objects.create(
        org=org,
        anthropic_id=batch.id,
        model=model,
        items=items,
        memberships=sum(len(c) for c in chunks),
    )


@dataclass
class BatchOutcome:
    """A collected batch: answers per membership id (with the hash they were computed for)."""

    ended: bool
    answers: list[tuple[int, str, dict, llm.Answer]] = field(default_factory=list)
    error: str = ""


def batch_collect(
    *, client: Any, batch: LlmBatch, forbidden: dict[int, tuple[str, ...]], now: datetime
) -> BatchOutcome:
    """Fetch a batch's results if it has ended; record its usage (at the batch discount)."""
    try:
        status = client.messages.batches.retrieve(batch.anthropic_id)
        if status.processing_status != "ended":
            return BatchOutcome(ended=False)
        results = list(client.messages.batches.results(batch.anthropic_id))
    except Exception as error:  # see classify_chunk
        text = _error_text(error)
        logger.warning("engagement: batch %s not collected: %s", batch.anthropic_id, text)
        return BatchOutcome(ended=False, error=text)
    totals = llm.usage_of(None)
    outcome = BatchOutcome(ended=True)
    for entry in results:
        custom_id = entry.custom_id
        mapping = batch.items.get(custom_id) or {}
        items = [
            llm.Item(
                key=key,
                membership_id=spec["m"],
                signals_hash=spec["h"],
                payload=spec["p"],
                forbidden_words=forbidden.get(spec["m"], ()),
            )
            for key, spec in mapping.items()
        ]
        if entry.result.type != "succeeded":
            logger.warning("engagement: batch request %s %s", custom_id, entry.result.type)
            continue
        message = entry.result.message
        for name, value in llm.usage_of(message).items():
            totals[name] += value
        for key, answer in llm.parse_message(message, items).items():
            item = next(i for i in items if i.key == key)
            outcome.answers.append((item.membership_id, item.signals_hash, item.payload, answer))
    _record_usage(
        org=batch.org,
        model=batch.model,
        kind=LlmUsage.Kind.BATCH,
        usage=totals,
        memberships=batch.memberships,
        request_id=batch.anthropic_id,
    )
    batch.status = LlmBatch.Status.COLLECTED
    batch.collected_at = now
    batch.save(update_fields=["status", "collected_at"])
    return outcome
