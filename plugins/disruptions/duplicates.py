"""Likely duplicates: the same event logged twice (by two officers, or by a partner and the
police). A pair scores high when it is on the same OCG, near in date, told in similar words
(rapidfuzz's token ratios over stemmed words, so "charged and remanded" meets "remanded after
charge"), and shares outcomes, the nominal or the action; outcomes that differ count against.

``score`` is pure, so the labelled set in ``tests/plugins/disruptions/data/duplicates.csv`` measures
it without a database (precision and recall are stated in docs/disruptions.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from rapidfuzz import fuzz
from socbot_plugins.disruptions.models import OPEN, Disruption
from sqlmodel import Session, col, select

THRESHOLD = 0.65  # chosen on the labelled set: see docs/disruptions.md
OUTCOMES = (
    "arrests",
    "charged",
    "warrants",
    "cash_pence",
    "assets_pence",
    "vehicles",
    "orders",
    "safeguarded",
)
_WORD = re.compile(r"[a-z0-9£]+")
_NUMBER = re.compile(r"(?<![a-z])(\d+(?:[.,]\d+)*)(k\b)?")
_NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6"}
# a word saying "this is another one": "a second van", "two more cars", "arrested again"
_ANOTHER = frozenset(("second", "third", "fourth", "another", "more", "again", "further"))
_STOP = frozenset(
    (
        "a",
        "an",
        "the",
        "of",
        "at",
        "in",
        "on",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "after",
        "before",
        "his",
        "her",
        "their",
        "its",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "has",
        "had",
        "have",
        "this",
        "that",
        "into",
        "out",
        "up",
        "as",
        "than",
        "then",
        "two",
        "three",
        "four",
        "one",
        "more",
        "group",
    )
)
_SYNONYMS = {
    "rd": "road",
    "st": "street",
    "k": "000",
    "grams": "g",
    "gram": "g",
    "pwits": "supply",
    "supplying": "supply",
    "proceeds": "poca",
    "cbo": "behaviour",
    "scpo": "prevention",
    "raided": "warrant",
    "searched": "warrant",
    "search": "warrant",
    "found": "seize",
    "recovered": "seize",
}


@dataclass(frozen=True)
class Report:
    """What duplicate detection compares: one disruption, recorded or about to be."""

    ocg: object
    occurred_on: date
    description: str
    outcomes: Mapping[str, object] = field(default_factory=dict)
    nominal: object = None
    action: object = None

    @classmethod
    def of(cls, d: Disruption) -> Report:
        found = {k: getattr(d, k) for k in OUTCOMES if getattr(d, k)}
        if d.drugs:
            found["drugs"] = d.drugs
        return cls(d.ocg_id, d.occurred_on, d.description, found, d.nominal_id, d.action_id)


def _stem(word: str) -> str:
    word = _SYNONYMS.get(word, word)
    for suffix in ("ing", "ed", "es", "s", "e"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def words(text: str) -> str:
    """Lower-case stemmed content words, in order."""
    found = (_stem(w) for w in _WORD.findall(text.lower().replace("£", " £")))
    return " ".join(w for w in found if w not in _STOP)


def numbers(text: str) -> set[str]:
    """The quantities a text states ("20 wraps", "£8k", "two arrested"), normalised."""
    found = {
        str(int(float(n.replace(",", "")) * (1000 if k else 1)))
        for n, k in _NUMBER.findall(text.lower())
    }
    return found | {_NUMBER_WORDS[w] for w in text.lower().split() if w in _NUMBER_WORDS}


def text_similarity(a: str, b: str) -> float:
    left, right = words(a), words(b)
    if not left or not right:
        return 0.0
    return (fuzz.token_set_ratio(left, right) + fuzz.token_sort_ratio(left, right)) / 200


def score(a: Report, b: Report, window_days: int = 14) -> float:
    """0 (different events) to about 1.3 (surely the same): same OCG and within the window,
    else 0."""
    if a.ocg != b.ocg:
        return 0.0
    apart = abs((a.occurred_on - b.occurred_on).days)
    if apart > window_days:
        return 0.0
    value = text_similarity(a.description, b.description)
    value += 0.05 if apart <= 1 else 0.0
    stated_a, stated_b = numbers(a.description), numbers(b.description)
    if stated_a and stated_b and not stated_a & stated_b:
        value -= 0.15  # "12 wraps" and "20 wraps" are two events
    another_a = _ANOTHER & set(a.description.lower().split())
    another_b = _ANOTHER & set(b.description.lower().split())
    if another_a != another_b:
        value -= 0.15  # "a second van" is not the first
    if a.action is not None and a.action == b.action:
        value += 0.3
    if a.nominal is not None and b.nominal is not None:
        value += 0.15 if a.nominal == b.nominal else -0.15
    for name in set(a.outcomes) & set(b.outcomes):
        value += 0.08 if a.outcomes[name] == b.outcomes[name] else -0.1
    return value


def reasons(a: Report, b: Report) -> list[str]:
    """Why the pair looks alike, for the recorder and the moderator."""
    found = []
    apart = abs((a.occurred_on - b.occurred_on).days)
    found.append("same day" if apart == 0 else f"{apart} day{'s' if apart > 1 else ''} apart")
    if a.action is not None and a.action == b.action:
        found.append("the same action")
    if a.nominal is not None and a.nominal == b.nominal:
        found.append("the same nominal")
    shared = [n for n in set(a.outcomes) & set(b.outcomes) if a.outcomes[n] == b.outcomes[n]]
    if shared:
        found.append("the same " + ", ".join(sorted(n.removesuffix("_pence") for n in shared)))
    if text_similarity(a.description, b.description) >= 0.6:
        found.append("similar words")
    return found


def likely(
    session: Session, new: Report, *, window_days: int, exclude: int | None = None
) -> list[tuple[Disruption, float]]:
    """Recorded disruptions on the same OCG within the window that look like ``new``, best
    first. Rejected and merged ones are left out: the one left standing is the one to check."""
    ocg_id = int(new.ocg)  # type: ignore[call-overload]
    since = new.occurred_on - timedelta(days=window_days)
    until = new.occurred_on + timedelta(days=window_days)
    rows = session.exec(
        select(Disruption).where(
            Disruption.ocg_id == ocg_id,
            col(Disruption.occurred_on) >= since,
            col(Disruption.occurred_on) <= until,
            col(Disruption.status).in_((*OPEN, "accepted")),
        )
    ).all()
    scored = [
        (d, score(new, Report.of(d), window_days))
        for d in rows
        if exclude is None or d.id != exclude
    ]
    return sorted(
        [(d, s) for d, s in scored if s >= THRESHOLD], key=lambda p: (-p[1], p[0].id or 0)
    )
