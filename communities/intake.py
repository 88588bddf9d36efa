"""Intake questions (set by the organiser) and answers (given by members each round).

A question is ``{"id": "q1", "kind": "short" | "long" | "single" | "multi",
"label": str, "choices": [str, ...], "required": bool}``; a list of them, in
display order, is `Community.intake_questions`. Answers are ``{question id:
str | [str]}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

KINDS = {
    "short": "Short text",
    "long": "Long text",
    "single": "Single choice",
    "multi": "Multiple choice",
}
MAX_QUESTIONS = 12
MAX_CHOICES = 20
SHORT_MAX = 200
LONG_MAX = 2000

DEFAULT_QUESTIONS = [
    {
        "id": "q1",
        "kind": "long",
        "label": "What would you like to talk about this month?",
        "choices": [],
        "required": True,
    },
    {
        "id": "q2",
        "kind": "multi",
        "label": "Topics you care about",
        "choices": ["AI safety", "Climate", "Global health", "Careers", "Policy", "Research"],
        "required": False,
    },
]

_WORD = re.compile(r"[a-zA-Z][a-zA-Z+#\-]{3,}")
_STOP = set(
    [
        "about",
        "also",
        "and",
        "been",
        "being",
        "could",
        "from",
        "have",
        "into",
        "just",
        "like",
        "love",
        "more",
        "most",
        "much",
        "must",
        "need",
        "only",
        "other",
        "over",
        "really",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "very",
        "want",
        "what",
        "when",
        "where",
        "which",
        "while",
        "with",
        "would",
        "your",
        "yours",
        "talk",
        "talking",
        "think",
        "month",
        "working",
        "learn",
        "learning",
        "people",
        "thing",
        "things",
    ]
)


class IntakeError(ValueError):
    """A question list or an answer that cannot be saved; the message says why."""


def clean_questions(raw: object) -> list[dict]:
    """Validate the organiser's questions; return them normalised, ids kept or assigned."""
    if not isinstance(raw, list):
        raise IntakeError("The questions could not be read.")
    if len(raw) > MAX_QUESTIONS:
        raise IntakeError(f"At most {MAX_QUESTIONS} questions, please.")
    used = {q.get("id") for q in raw if isinstance(q, dict) and q.get("id")}
    out, counter = [], 0
    for position, question in enumerate(raw, start=1):
        if not isinstance(question, dict):
            raise IntakeError("The questions could not be read.")
        kind = question.get("kind")
        if kind not in KINDS:
            raise IntakeError(f"Question {position}: pick a kind of answer.")
        label = " ".join(str(question.get("label", "")).split())[:200]
        if not label:
            raise IntakeError(f"Question {position} needs a question text.")
        choices: list[str] = []
        if kind in ("single", "multi"):
            for choice in question.get("choices") or []:
                choice = " ".join(str(choice).split())[:100]
                if choice and choice not in choices:
                    choices.append(choice)
            if len(choices) < 2:
                raise IntakeError(f"Question {position} (“{label}”) needs at least two choices.")
            if len(choices) > MAX_CHOICES:
                raise IntakeError(f"Question {position} has more than {MAX_CHOICES} choices.")
        qid = str(question.get("id") or "")
        if not re.fullmatch(r"q\d{1,4}", qid) or any(q["id"] == qid for q in out):
            counter += 1
            while f"q{counter}" in used or any(q["id"] == f"q{counter}" for q in out):
                counter += 1
            qid = f"q{counter}"
        out.append(
            {
                "id": qid,
                "kind": kind,
                "label": label,
                "choices": choices,
                "required": bool(question.get("required")),
            }
        )
    return out


def clean_answers(questions: list[dict], data: Mapping) -> tuple[dict, dict[str, str]]:
    """Read answers from POST-like `data` (keys `answer_<id>`); return (answers, errors).

    `errors` maps a question id to a message; answers are kept either way, so a
    form with one mistake does not lose the rest.
    """
    answers: dict = {}
    errors: dict[str, str] = {}
    for question in questions:
        key = f"answer_{question['id']}"
        kind = question["kind"]
        if kind == "multi":
            values = data.getlist(key) if hasattr(data, "getlist") else data.get(key, [])
            picked = [v for v in question["choices"] if v in set(values or [])]
            answers[question["id"]] = picked
            empty = not picked
        elif kind == "single":
            value = str(data.get(key, "") or "")
            value = value if value in question["choices"] else ""
            answers[question["id"]] = value
            empty = not value
        else:
            limit = SHORT_MAX if kind == "short" else LONG_MAX
            value = str(data.get(key, "") or "").strip()
            if len(value) > limit:
                errors[question["id"]] = f"Please keep this under {limit} characters."
            value = value[:limit]
            answers[question["id"]] = value
            empty = not value
        if empty and question.get("required"):
            errors[question["id"]] = "Please answer this question."
    return answers, errors


def answers_text(questions: list[dict], answers: dict, *, interests: str = "") -> str:
    """The text we embed: every answer (choices as words) plus the profile's interests."""
    parts = []
    for question in questions:
        value = answers.get(question["id"])
        if isinstance(value, list):
            parts.append(", ".join(value))
        elif value:
            parts.append(str(value))
    if interests:
        parts.append(interests)
    return ". ".join(p for p in parts if p)


def _keywords(text: str) -> dict[str, str]:
    words: dict[str, str] = {}
    for word in _WORD.findall(text):
        key = word.lower().rstrip("s")
        if key not in _STOP and key + "s" not in _STOP:
            words.setdefault(key, word)
    return words


def common_interests(questions: list[dict], answer_sets: list[dict], *, limit: int = 5) -> str:
    """What everyone in a match shares: the same choices first, then shared keywords."""
    shared: list[str] = []
    for question in questions:
        if question["kind"] not in ("single", "multi"):
            continue
        picks = []
        for answers in answer_sets:
            value = answers.get(question["id"]) or []
            picks.append({value} if isinstance(value, str) else set(value))
        for choice in question["choices"]:
            if choice and all(choice in p for p in picks) and choice not in shared:
                shared.append(choice)
    texts = [
        " ".join(
            str(v)
            for q in questions
            if q["kind"] in ("short", "long")
            for v in [a.get(q["id"])]
            if v
        )
        for a in answer_sets
    ]
    keyword_sets = [_keywords(t) for t in texts]
    if keyword_sets:
        common = set(keyword_sets[0])
        for ks in keyword_sets[1:]:
            common &= set(ks)
        for key in sorted(common):
            word = keyword_sets[0][key]
            if word.lower() not in {s.lower() for s in shared}:
                shared.append(word)
    return ", ".join(shared[:limit])
