"""The Claude request and the checks on its answer (DESIGN §8, §12).

One request classifies up to `ASTN_LLM_CHUNK` memberships: the instructions and the
tool are paid once (and cached), and the tool returns one result per pseudonymous
key (`m1`, `m2`, … — fresh per request, so nothing links two requests to a person).
The model sees counts only: no names, emails, notes, free text or event titles.

Claude Haiku 5.5 notes: no `temperature` / `top_p` / `top_k` (they error), no
assistant prefill, thinking off (a forced `tool_choice` does not combine with
thinking, and thinking tokens are billed as output), content blocks picked by
type, and `stop_reason == "refusal"` handled (the rules result stays).
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings

from engagement.models import Level
from engagement.scoring.signals import SIGNAL_KEYS

TOOL_NAME = "record_engagement_levels"
PROMPT_VERSION = "2026-11-v1"
MAX_SENTENCES = 3
MAX_RATIONALE = 420
MAX_ACTION = 240
# Window lengths the rationale may mention besides the signal values themselves.
CONTEXT_NUMBERS = {"6", "30", "90", "180", "365", "100"}

SYSTEM_PROMPT = f"""You classify how engaged members of a community organisation are, for the \
organisation's volunteer admins. Each member is identified only by a key such as "m1"; you \
receive counts about what they did, never who they are.

Signals (per member):
- attended_30d / attended_90d / attended_365d: events attended in the last 30, 90, 365 days.
- attended_prev_90d: events attended in the 90 days before the last 90 (for the trend).
- rsvps_90d: RSVPs (going, maybe or waitlisted) to events of the last 90 days.
- upcoming_rsvps: events coming up that they said they will (or may) attend.
- no_shows_365d: events in the last year they said they would attend but did not.
- org_events_90d: events the organisation held in the last 90 days while they were a member.
- attendance_rate_90d: attended_90d as a percentage of org_events_90d (null if none held).
- event_types_365d: how many different kinds of event (talk, workshop, social...) they attended.
- feedback_365d: events they rated or commented on in the last year.
- programs_enrolled / programs_completed: programs (reading groups, fellowships, courses).
- rounds_joined / matches_met: 1:1 matching rounds joined and matches actually met.
- active_months_of_6: months with any activity out of the last 6.
- trend: "up", "down", "flat" (attended_90d vs attended_prev_90d) or "none".
- days_since_last_activity: days since they last did anything (null: never).
- tenure_days: days since they joined. profile_completeness: percent (null: no account).
- rules_level / rules_score: what a simple weighted formula says (a hint, not a rule).

Levels:
- highly_engaged: comes regularly and recently, takes part in several ways.
- moderate: takes part now and then; nothing alarming.
- new: joined under about 30 days ago and has not yet shown a pattern.
- at_risk: used to take part but is fading (falling trend, long gap, repeated no-shows).
- inactive: no activity for about 6 months or more, or never any.

For every member key you are given, call the tool once with one result containing:
- level: one of highly_engaged, moderate, new, at_risk, inactive;
- rationale: at most {MAX_SENTENCES} short sentences, plain English, that cite at least two \
concrete numbers copied exactly from that member's signals (e.g. "Attended 4 of 6 events in \
the last 90 days"). Do not invent numbers, do not compute new ones, do not mention any \
person, name or event title, do not address the member;
- suggested_action: one sentence an admin could act on this week.
Return a result for every key, in any order. Never return prose outside the tool."""

TOOL = {
    "name": TOOL_NAME,
    "description": "Record the level, rationale and suggested action of each member key.",
    "input_schema": {
        "type": "object",
        "properties": {
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "key": {"type": "string", "description": "The member key, e.g. m1."},
                        "level": {"type": "string", "enum": list(Level.values)},
                        "rationale": {"type": "string"},
                        "suggested_action": {"type": "string"},
                    },
                    "required": ["key", "level", "rationale", "suggested_action"],
                },
            }
        },
        "required": ["results"],
    },
}


@dataclass(frozen=True)
class Item:
    """One membership in a request: its key, what we send, and what we check against."""

    key: str
    membership_id: int
    signals_hash: str
    payload: dict  # exactly what the model sees for this member (key + signals + rules hint)
    forbidden_words: tuple[str, ...] = ()  # the person's name/email parts, for validation


@dataclass(frozen=True)
class Answer:
    """The validated answer for one key, or why it was rejected (`error`)."""

    key: str
    level: str = ""
    rationale: str = ""
    suggested_action: str = ""
    error: str = ""
    refused: bool = False
    raw: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.error


def member_payload(*, key: str, signals: dict, rules_level: str, rules_score: int) -> dict:
    """What the model is told about one member: the key, the signals, the rules hint."""
    payload: dict[str, Any] = {"key": key}
    payload.update({name: signals.get(name) for name in SIGNAL_KEYS})
    payload["rules_level"] = rules_level
    payload["rules_score"] = rules_score
    return payload


def request_params(*, items: list[Item], model: str, as_of: date) -> dict:
    """The keyword arguments of `client.messages.create` (also a batch request's `params`)."""
    content = json.dumps(
        {"as_of": as_of.isoformat(), "members": [item.payload for item in items]},
        separators=(",", ":"),
    )
    return {
        "model": model,
        "max_tokens": 256 + 180 * len(items),
        # The fixed part (tools + system) is cached: later requests pay 10 % for it.
        "system": [{"type": "text", "text": SYSTEM_PROMPT, "cache_control": {"type": "ephemeral"}}],
        "tools": [TOOL],
        "tool_choice": {"type": "tool", "name": TOOL_NAME},
        "thinking": {"type": "disabled"},
        "messages": [{"role": "user", "content": content}],
    }


def make_client():
    """An Anthropic client with an explicit timeout and the SDK's retries as the only layer.

    Returns None without an API key (the rules result is used, labelled "No API key").
    """
    if not settings.ANTHROPIC_API_KEY:
        return None
    import anthropic

    return anthropic.Anthropic(
        api_key=settings.ANTHROPIC_API_KEY,
        base_url=settings.ANTHROPIC_BASE_URL or None,
        timeout=settings.ASTN_LLM_TIMEOUT,
        max_retries=settings.ASTN_LLM_MAX_RETRIES,
    )


# --- validation ---------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w])")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s+|$)")
_CAPITALISED = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?")
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Mx|Dr|Prof)\.?\s+[A-Z]")
# Capitalised pairs that are not a person ("Thank you" is not capitalised twice, but these are).
_ALLOWED_PAIRS = {("Highly", "Engaged"), ("At", "Risk")}


def sentence_count(text: str) -> int:
    # Decimal points ("2.5") are not sentence ends: _SENTENCE_END needs a space or the end.
    parts = [p for p in _SENTENCE_END.split(text.strip()) if p.strip()]
    return len(parts)


def _signal_numbers(signals: dict) -> set[str]:
    numbers = set()
    for value in signals.values():
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            numbers.add(str(int(value)) if float(value).is_integer() else str(value))
    return numbers


def _names_someone(text: str, forbidden_words: tuple[str, ...]) -> str:
    """Why `text` seems to name someone, or "" (we never send names, so any is invented)."""
    if "@" in text:
        return "contains an email address"
    lowered = text.lower()
    for word in forbidden_words:
        if len(word) >= 3 and re.search(rf"\b{re.escape(word.lower())}\b", lowered):
            return "names the member"
    if _HONORIFIC.search(text):
        return "names a person"
    for sentence in _SENTENCE_END.split(text):
        words = [w.strip(",;:()\"'") for w in sentence.split()]
        for first, second in itertools.pairwise(words):
            if (
                _CAPITALISED.fullmatch(first)
                and _CAPITALISED.fullmatch(second)
                and (first, second) not in _ALLOWED_PAIRS
            ):
                return f"names a person ({first} {second})"
    return ""


def validate(raw: dict, item: Item) -> Answer:
    """Check one tool result against the member's signals; an invalid one carries `error`."""
    level = raw.get("level")
    rationale = str(raw.get("rationale") or "").strip()
    action = str(raw.get("suggested_action") or "").strip()

    def bad(reason: str) -> Answer:
        return Answer(key=item.key, error=reason, raw=raw)

    if level not in Level.values:
        return bad(f"unknown level {level!r}")
    if not rationale:
        return bad("empty rationale")
    if len(rationale) > MAX_RATIONALE:
        return bad("rationale too long")
    if sentence_count(rationale) > MAX_SENTENCES:
        return bad(f"rationale has more than {MAX_SENTENCES} sentences")
    if not action or len(action) > MAX_ACTION:
        return bad("missing or overlong suggested action")
    allowed = _signal_numbers(item.payload)
    cited = _NUMBER.findall(rationale)
    invented = [n for n in cited if n not in allowed and n not in CONTEXT_NUMBERS]
    if invented:
        return bad(f"rationale cites numbers not in the signals: {', '.join(invented[:3])}")
    if sum(1 for n in cited if n in allowed) < 2:
        return bad("rationale cites fewer than 2 facts from the signals")
    for text in (rationale, action):
        why = _names_someone(text, item.forbidden_words)
        if why:
            return bad(f"answer {why}")
    return Answer(key=item.key, level=level, rationale=rationale, suggested_action=action, raw=raw)


def parse_message(message: Any, items: list[Item]) -> dict[str, Answer]:
    """Turn a Messages API response into one `Answer` per requested key.

    Blocks are picked by type (a `text` or `thinking` block may come first); a refusal or
    an answer without the tool marks every key invalid, so the rules result stays.
    """
    by_key = {item.key: item for item in items}
    stop_reason = _get(message, "stop_reason")
    if stop_reason == "refusal":
        return {k: Answer(key=k, error="the model refused", refused=True) for k in by_key}
    tool_inputs = [
        _without_nul(_get(block, "input"))
        for block in _get(message, "content") or []
        if _get(block, "type") == "tool_use" and _get(block, "name") == TOOL_NAME
    ]
    if not tool_inputs:
        why = "the model answered with text instead of the tool"
        if stop_reason == "max_tokens":
            why = "the answer was cut off (max_tokens)"
        return {k: Answer(key=k, error=why) for k in by_key}
    answers: dict[str, Answer] = {}
    for tool_input in tool_inputs:
        results = tool_input.get("results") if isinstance(tool_input, dict) else None
        if not isinstance(results, list):
            continue
        for raw in results:
            if not isinstance(raw, dict):
                continue
            key = raw.get("key")
            if key in by_key and key not in answers:
                answers[key] = validate(raw, by_key[key])
    for key in by_key:
        answers.setdefault(key, Answer(key=key, error="no result for this key"))
    return answers


def _without_nul(value: Any) -> Any:
    """`value` with NUL characters dropped from every string and key: Postgres refuses
    them in text and in JSON, so one stray NUL in an answer would fail the whole run."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


def _get(obj: Any, name: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def usage_of(message: Any) -> dict[str, int]:
    usage = _get(message, "usage") or {}
    return {
        "input_tokens": _get(usage, "input_tokens") or 0,
        "output_tokens": _get(usage, "output_tokens") or 0,
        "cache_creation_tokens": _get(usage, "cache_creation_input_tokens") or 0,
        "cache_read_tokens": _get(usage, "cache_read_input_tokens") or 0,
    }
