"""The rules score: always computed, and the result whenever the LLM's is not used.

Weights (issue #12): frequency 30 %, recency 25 %, diversity 20 %, depth 15 %,
consistency 10 %; a small penalty for no-shows. The rationale is built from the
same signals, so it cites facts just like the LLM's must.
"""

from __future__ import annotations

from dataclasses import dataclass

from engagement.models import Level

WEIGHTS = {"frequency": 30, "recency": 25, "diversity": 20, "depth": 15, "consistency": 10}
NEW_MEMBER_DAYS = 30
INACTIVE_AFTER_DAYS = 180
HIGH_SCORE = 60
MODERATE_SCORE = 30


@dataclass(frozen=True)
class RulesResult:
    score: int
    level: str
    rationale: str
    suggested_action: str
    parts: dict


def _recency(days: int | None) -> float:
    if days is None:
        return 0.0
    for limit, value in ((14, 1.0), (30, 0.85), (60, 0.6), (90, 0.4), (180, 0.15)):
        if days <= limit:
            return value
    return 0.0


def _parts(s: dict) -> dict[str, float]:
    # Frequency against what the org offered: 4+ events in 90 days (or all of them) is full.
    target = max(1, min(s["org_events_90d"] or 4, 4))
    frequency = min(1.0, (s["attended_90d"] + 0.5 * s["upcoming_rsvps"]) / target)
    kinds = sum(
        1
        for value in (
            s["attended_365d"],
            s["feedback_365d"],
            s["programs_enrolled"],
            s["rounds_joined"] + s["matches_met"],
        )
        if value
    )
    types = min(1.0, s["event_types_365d"] / 3)
    diversity = 0.5 * types + 0.5 * min(1.0, kinds / 3)
    depth = min(
        1.0,
        (
            s["feedback_365d"]
            + s["programs_enrolled"]
            + 2 * s["programs_completed"]
            + s["matches_met"]
            + 0.5 * s["rounds_joined"]
        )
        / 5,
    )
    return {
        "frequency": frequency,
        "recency": _recency(s["days_since_last_activity"]),
        "diversity": diversity,
        "depth": depth,
        "consistency": s["active_months_of_6"] / 6,
    }


def rules_score(signals: dict) -> tuple[int, dict[str, float]]:
    parts = _parts(signals)
    raw = sum(WEIGHTS[name] * value for name, value in parts.items())
    penalty = min(10, 2 * signals["no_shows_365d"])
    return max(0, min(100, round(raw - penalty))), parts


def rules_level(signals: dict, score: int) -> str:
    days = signals["days_since_last_activity"]
    if signals["tenure_days"] < NEW_MEMBER_DAYS and score < HIGH_SCORE:
        return Level.NEW
    if days is None or days > INACTIVE_AFTER_DAYS:
        return Level.INACTIVE
    if score >= HIGH_SCORE:
        return Level.HIGHLY_ENGAGED
    if score >= MODERATE_SCORE and not (signals["trend"] == "down" and score < 40):
        return Level.MODERATE
    return Level.AT_RISK


def _plural(n: int, word: str, plural: str = "") -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _rationale(s: dict, level: str) -> str:
    sentences = []
    if s["attended_365d"] == 0 and s["days_since_last_activity"] is None:
        tenure = _plural(s["tenure_days"], "day")
        sentences.append(f"No activity recorded yet in {tenure} of membership.")
    else:
        sentence = f"Attended {_plural(s['attended_90d'], 'event')} in the last 90 days"
        if s["org_events_90d"]:
            sentence += f" out of {s['org_events_90d']} held"
        sentence += f" ({s['attended_prev_90d']} in the 90 days before)."
        sentences.append(sentence)
        if s["days_since_last_activity"] is not None:
            sentences.append(
                f"Last active {_plural(s['days_since_last_activity'], 'day')} ago, "
                f"active in {s['active_months_of_6']} of the last 6 months."
            )
    extras = []
    if s["upcoming_rsvps"]:
        extras.append(f"{_plural(s['upcoming_rsvps'], 'upcoming RSVP')}")
    if s["feedback_365d"]:
        extras.append(f"feedback on {_plural(s['feedback_365d'], 'event')}")
    if s["programs_enrolled"]:
        extras.append(f"{_plural(s['programs_enrolled'], 'program')} joined")
    if s["matches_met"]:
        extras.append(f"{_plural(s['matches_met'], 'match', 'matches')} met")
    if s["no_shows_365d"]:
        extras.append(f"{_plural(s['no_shows_365d'], 'no-show')} this year")
    if extras and len(sentences) < 3:
        sentences.append(extras[0][0].upper() + ", ".join(extras)[1:] + ".")
    return " ".join(sentences[:3])


ACTIONS = {
    Level.HIGHLY_ENGAGED: "Ask them to host or co-organise a session, or to welcome newcomers.",
    Level.MODERATE: "Invite them personally to the next event that matches what they attend.",
    Level.NEW: "Send a welcome note and suggest one upcoming event to start with.",
    Level.AT_RISK: "Check in one-to-one and ask what would make events worth their time.",
    Level.INACTIVE: "Send a short 'we miss you' note with the next highlight event.",
}


def rules_result(signals: dict) -> RulesResult:
    score, parts = rules_score(signals)
    level = rules_level(signals, score)
    return RulesResult(
        score=score,
        level=level,
        rationale=_rationale(signals, level),
        suggested_action=ACTIONS[Level(level)],
        parts=parts,
    )
