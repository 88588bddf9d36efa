"""`engagement_recompute` for one org: signals → rules → Claude where signals changed.

Order of work, so that a crash or an API outage loses nothing:

1. collect Message Batches an earlier run submitted (if they have ended);
2. compute every membership's signals in one SQL statement and its rules result;
3. save rules results (every membership gets a level, even before any API call) in
   bulk, in short transactions;
4. outside any transaction, send the memberships whose `signals_hash` differs from
   the one the model last saw: in chunks (Messages API) or one batch (big orgs);
   each chunk's answers are saved right after it returns. On an API failure the run
   stops; the memberships not yet sent keep their old result and an old `llm_hash`,
   so the next run resumes with exactly them.

Two workers never recompute one org at once: a Postgres advisory lock per org; the
second finds it taken and returns.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from engagement.models import (
    EngagementScore,
    EngagementSnapshot,
    LlmBatch,
    RecomputeRun,
    ScoreSource,
)
from engagement.scoring import llm
from engagement.scoring.rules import RulesResult, rules_result
from engagement.scoring.signals import MemberSignals, org_signals
from engagement.services.apply import Proposal, proposal_apply
from engagement.services.llm_calls import batch_collect, batch_submit, classify_chunk
from orgs.models import Membership, Organization

logger = logging.getLogger(__name__)

Fallback = EngagementScore.Fallback
_LOCK_NAMESPACE = 0x454E47  # "ENG"
_SAVE_CHUNK = 1000
# Columns a recompute writes, with their Postgres types, for `_scores_update`.
_SCORE_COLUMNS = {
    "signals": "jsonb",
    "signals_hash": "text",
    "rules_level": "text",
    "rules_score": "int",
    "last_active_at": "timestamptz",
    "level": "text",
    "score": "int",
    "rationale": "text",
    "suggested_action": "text",
    "source": "text",
    "model": "text",
    "fallback_reason": "text",
    "fallback_detail": "text",
    "computed_at": "timestamptz",
    "level_changed_at": "timestamptz",
    "pending_downgrade_level": "text",
    "pending_downgrade_at": "timestamptz",
    "llm_hash": "text",
    "llm_sent": "jsonb",
    "llm_answer": "jsonb",
    "llm_at": "timestamptz",
}
# UPDATE … FROM jsonb_to_recordset(one JSON document): one statement and one parameter per
# chunk. Django's bulk_update builds a CASE per column and row (minutes of Python for
# 20,000 rows) and array parameters are escaped item by item. Column names are the
# constants above, never input.
_UPDATE_STATEMENT = (
    "UPDATE engagement_engagementscore AS s SET "  # noqa: S608 - constant names, bound values
    + ", ".join(f"{name} = v.{name}" for name in _SCORE_COLUMNS)
    + " FROM jsonb_to_recordset(%s::jsonb) AS v(id bigint, "
    + ", ".join(f"{name} {kind}" for name, kind in _SCORE_COLUMNS.items())
    + ") WHERE s.id = v.id"
)


def _scores_update(scores: list[EngagementScore]) -> None:
    for start in range(0, len(scores), _SAVE_CHUNK):
        rows = [
            {"id": score.pk, **{name: getattr(score, name) for name in _SCORE_COLUMNS}}
            for score in scores[start : start + _SAVE_CHUNK]
        ]
        with connection.cursor() as cursor:
            cursor.execute(_UPDATE_STATEMENT, [json.dumps(rows, default=_isoformat)])


def _isoformat(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


@contextlib.contextmanager
def org_lock(org_id: int) -> Iterator[bool]:
    """Hold a session advisory lock for `org_id`; yield False if another worker has it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, org_id])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_NAMESPACE, org_id])


def _rules_proposal(rules: RulesResult, reason: str, detail: str = "") -> Proposal:
    return Proposal(
        level=rules.level,
        score=rules.score,
        rationale=rules.rationale,
        suggested_action=rules.suggested_action,
        fallback_reason=reason,
        fallback_detail=detail,
    )


@dataclass
class _Member:
    signals: MemberSignals
    rules: RulesResult
    score: EngagementScore
    is_new: bool
    # The stored row's hash before this run: unchanged inputs and result → no write.
    stored_hash: str = ""


@dataclass
class _Pending:
    scores: list[EngagementScore] = field(default_factory=list)
    new_scores: list[EngagementScore] = field(default_factory=list)
    snapshots: list[EngagementSnapshot] = field(default_factory=list)

    def add(
        self, member: _Member, snapshot: EngagementSnapshot | None, *, force: bool = False
    ) -> None:
        unchanged = member.stored_hash == member.signals.signals_hash and snapshot is None
        if unchanged and not member.is_new and not force:
            # Nothing a person would see moved (only the day count): skip the write, so a
            # quiet daily run over 20,000 members writes almost nothing.
            return
        member.stored_hash = member.signals.signals_hash
        (self.new_scores if member.is_new else self.scores).append(member.score)
        member.is_new = False
        if snapshot is not None:
            self.snapshots.append(snapshot)

    def flush(self) -> int:
        changed = len(self.snapshots)
        with transaction.atomic():
            EngagementScore.objects.bulk_create(self.new_scores, batch_size=_SAVE_CHUNK)
            _scores_update(self.scores)
            EngagementSnapshot.objects.bulk_create(self.snapshots, batch_size=_SAVE_CHUNK)
        self.scores, self.new_scores, self.snapshots = [], [], []
        return changed


def _opted_out(org: Organization) -> set[int]:
    return set(
        Membership.objects.for_org(org)
        .filter(user__privacy_settings__ai_classification_opt_out=True)
        .values_list("pk", flat=True)
    )


def _forbidden_words(membership_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Name and email parts per membership: an answer containing one is rejected."""
    words: dict[int, tuple[str, ...]] = {}
    rows = Membership.objects.filter(pk__in=membership_ids).values_list(
        "pk", "name", "email", "user__name", "user__email"
    )
    for pk, name, email, user_name, user_email in rows:
        parts = f"{name} {user_name or ''}".split()
        for address in (email, user_email or ""):
            if address:
                parts.append(address.split("@")[0])
        words[pk] = tuple(sorted({p for p in parts if len(p) >= 3}))
    return words


def _open_batch_members(org: Organization) -> set[int]:
    members: set[int] = set()
    for batch in LlmBatch.objects.filter(org=org, status=LlmBatch.Status.SUBMITTED):
        for mapping in batch.items.values():
            members.update(spec["m"] for spec in mapping.values())
    return members


def _answer_apply(
    member: _Member, answer: llm.Answer, payload: dict, *, model: str, now: datetime
) -> EngagementSnapshot | None:
    score = member.score
    score.llm_hash = member.signals.signals_hash
    score.llm_sent = {"model": model, "prompt_version": llm.PROMPT_VERSION, "member": payload}
    score.llm_answer = answer.raw or {"error": answer.error}
    score.llm_at = now
    if answer.ok:
        proposal = Proposal(
            level=answer.level,
            score=member.rules.score,
            rationale=answer.rationale,
            suggested_action=answer.suggested_action,
            source=ScoreSource.LLM,
            model=model,
        )
    else:
        reason = Fallback.REFUSED if answer.refused else Fallback.INVALID
        proposal = _rules_proposal(member.rules, reason, answer.error)
    return proposal_apply(score, proposal, now=now, is_new=member.is_new)


def _collect_batches(
    *, org: Organization, client, members: dict[int, _Member], pending: _Pending, now: datetime
) -> None:
    for batch in LlmBatch.objects.filter(org=org, status=LlmBatch.Status.SUBMITTED):
        ids = [spec["m"] for mapping in batch.items.values() for spec in mapping.values()]
        forbidden = _forbidden_words(ids)
        outcome = batch_collect(client=client, batch=batch, forbidden=forbidden, now=now)
        for membership_id, signals_hash, payload, answer in outcome.answers:
            member = members.get(membership_id)
            # An answer about signals that have changed since is stale: the member is resent.
            if member is None or member.signals.signals_hash != signals_hash:
                continue
            snapshot = _answer_apply(member, answer, payload, model=batch.model, now=now)
            pending.add(member, snapshot, force=True)


def _progress(run: RecomputeRun | None, **fields) -> None:
    if run is None:
        return
    for name, value in fields.items():
        setattr(run, name, value)
    run.save(update_fields=list(fields))


@dataclass
class RecomputeResult:
    memberships: int = 0
    changed: int = 0
    sent: int = 0
    api_calls: int = 0
    batch_submitted: bool = False
    error: str = ""
    skipped: bool = False


def engagement_recompute_org(
    *,
    org: Organization,
    now: datetime | None = None,
    run: RecomputeRun | None = None,
    use_llm: bool = True,
) -> RecomputeResult:
    """Recompute every membership of `org` (see the module docstring for the order).

    Idempotent: with no new activity a second run changes nothing and calls no API.
    `use_llm=False` (demo seeding, inside a transaction) computes rules only; with a
    key configured those memberships are labelled "waiting for the model" and the next
    run sends them.
    Side effects: `EngagementScore` / `EngagementSnapshot` rows, `LlmUsage` per call,
    `LlmBatch` for big orgs, progress on `run`. Never raises for API failures.
    """
    now = now or timezone.now()
    with org_lock(org.pk) as got:
        if not got:
            _progress(run, status=RecomputeRun.Status.DONE, finished_at=timezone.now(),
                      message="Another recompute of this org was already running.")  # fmt: skip
            return RecomputeResult(skipped=True)
        _progress(run, status=RecomputeRun.Status.RUNNING, started_at=timezone.now())
        try:
            result = _recompute(org=org, now=now, run=run, use_llm=use_llm)
        except Exception as error:
            _progress(run, status=RecomputeRun.Status.FAILED, finished_at=timezone.now(),
                      message=f"Failed: {type(error).__name__}")  # fmt: skip
            raise
        message = _summary(result)
        _progress(run, status=RecomputeRun.Status.DONE, finished_at=timezone.now(),
                  message=message, changed=result.changed, api_calls=result.api_calls)  # fmt: skip
        return result


def _summary(result: RecomputeResult) -> str:
    text = f"{result.memberships} members, {result.changed} changed"
    if result.sent:
        text += f", {result.sent} sent to Claude"
    if result.batch_submitted:
        text += " (as a batch: results arrive with a later run)"
    if result.error:
        text += f"; Claude unavailable ({result.error}) — previous results kept"
    return text


def _recompute(
    *, org: Organization, now: datetime, run: RecomputeRun | None, use_llm: bool
) -> RecomputeResult:
    client = llm.make_client() if use_llm else None
    no_client_reason = Fallback.NO_KEY if not settings.ANTHROPIC_API_KEY else Fallback.PENDING
    model = settings.ASTN_LLM_MODEL
    states = org_signals(org=org, now=now)
    existing = {s.membership_id: s for s in EngagementScore.objects.filter(org=org)}
    result = RecomputeResult(memberships=len(states))
    _progress(run, total=len(states), done=0)

    members: dict[int, _Member] = {}
    for state in states:
        score = existing.get(state.membership_id)
        is_new = score is None
        if score is None:
            score = EngagementScore(org=org, membership_id=state.membership_id)
        existing_hash = score.signals_hash
        score.signals = state.signals
        score.signals_hash = state.signals_hash
        score.last_active_at = state.last_active_at
        rules = rules_result(state.signals)
        score.rules_level, score.rules_score = rules.level, rules.score
        members[state.membership_id] = _Member(
            state, rules, score, is_new, stored_hash=existing_hash
        )

    pending = _Pending()
    if client is not None:
        _collect_batches(org=org, client=client, members=members, pending=pending, now=now)
        result.changed += pending.flush()

    opted_out = _opted_out(org)
    in_batch = _open_batch_members(org) if client is not None else set()
    candidates: list[_Member] = []
    for membership_id, member in members.items():
        score = member.score
        force = False
        if client is None or membership_id in opted_out:
            reason = Fallback.OPTED_OUT if membership_id in opted_out else no_client_reason
            force = score.fallback_reason != reason
            if membership_id in opted_out and (score.llm_sent or score.llm_hash):
                score.llm_sent, score.llm_answer, score.llm_hash = {}, {}, ""
                force = True
            snapshot = proposal_apply(
                score, _rules_proposal(member.rules, reason), now=now, is_new=member.is_new
            )
        elif membership_id in in_batch:
            if member.is_new:
                snapshot = proposal_apply(
                    score, _rules_proposal(member.rules, Fallback.PENDING), now=now, is_new=True
                )
            else:
                snapshot = None
        elif score.llm_hash == member.signals.signals_hash:
            # The model already judged exactly these signals: keep its result (or the rules
            # one it fell back to), only a pending downgrade may have come due.
            snapshot = _keep(member, now=now)
        else:
            candidates.append(member)
            if not member.is_new:
                continue
            snapshot = proposal_apply(
                score, _rules_proposal(member.rules, Fallback.PENDING), now=now, is_new=True
            )
        pending.add(member, snapshot, force=force)
        if len(pending.scores) + len(pending.new_scores) >= _SAVE_CHUNK:
            result.changed += pending.flush()
    result.changed += pending.flush()
    _progress(run, done=len(states) - len(candidates))

    if candidates:
        _classify(org=org, client=client, model=model, candidates=candidates, now=now,
                  result=result, run=run, done=len(states) - len(candidates))  # fmt: skip
    return result


def _keep(member: _Member, *, now: datetime) -> EngagementSnapshot | None:
    score = member.score
    due = score.pending_downgrade_at is not None and now >= score.pending_downgrade_at
    if score.source == ScoreSource.LLM and not due:
        return None
    if score.source == ScoreSource.LLM:
        proposal = Proposal(
            level=score.pending_downgrade_level or score.level,
            score=member.rules.score,
            rationale=score.rationale,
            suggested_action=score.suggested_action,
            source=ScoreSource.LLM,
            model=score.model,
        )
    else:
        proposal = _rules_proposal(member.rules, score.fallback_reason, score.fallback_detail)
    return proposal_apply(score, proposal, now=now, is_new=False)


def _classify(
    *,
    org: Organization,
    client,
    model: str,
    candidates: list[_Member],
    now: datetime,
    result: RecomputeResult,
    run: RecomputeRun | None,
    done: int,
) -> None:
    forbidden = _forbidden_words([m.score.membership_id for m in candidates])
    size = max(1, settings.ASTN_LLM_CHUNK)
    chunks: list[list[llm.Item]] = []
    for start in range(0, len(candidates), size):
        chunk = []
        for index, member in enumerate(candidates[start : start + size], start=1):
            key = f"m{index}"
            payload = llm.member_payload(
                key=key,
                signals=member.signals.signals,
                rules_level=member.rules.level,
                rules_score=member.rules.score,
            )
            chunk.append(
                llm.Item(
                    key=key,
                    membership_id=member.score.membership_id,
                    signals_hash=member.signals.signals_hash,
                    payload=payload,
                    forbidden_words=forbidden.get(member.score.membership_id, ()),
                )
            )
        chunks.append(chunk)
    by_id = {m.score.membership_id: m for m in candidates}
    if len(candidates) >= settings.ASTN_LLM_BATCH_THRESHOLD:
        batch = batch_submit(client=client, org=org, chunks=chunks, model=model, as_of=now.date())
        result.api_calls += 1
        if batch is None:
            result.error = "batch not accepted"
        else:
            result.batch_submitted = True
            result.sent = batch.memberships
        _progress(run, done=done + len(candidates))
        return
    for chunk in chunks:
        outcome = classify_chunk(client=client, org=org, items=chunk, model=model, as_of=now.date())
        result.api_calls += 1
        if outcome.error:
            result.error = outcome.error
            _mark_api_error([by_id[i.membership_id] for i in chunk], outcome.error)
            break
        pending = _Pending()
        for item in chunk:
            member = by_id[item.membership_id]
            answer = outcome.answers[item.key]
            snapshot = _answer_apply(member, answer, item.payload, model=model, now=now)
            pending.add(member, snapshot, force=True)
        result.changed += pending.flush()
        result.sent += len(chunk)
        done += len(chunk)
        _progress(run, done=done)


def _mark_api_error(members: list[_Member], error: str) -> None:
    """Keep each member's previous result; say on the row why it was not refreshed."""
    ids = [m.score.membership_id for m in members]
    orgs = {m.score.org_id for m in members}
    EngagementScore.objects.filter(org_id__in=orgs, membership_id__in=ids).filter(
        Q(source=ScoreSource.RULES) & Q(fallback_reason=Fallback.PENDING)
    ).update(fallback_reason=Fallback.API_ERROR, fallback_detail=error[:300])
