"""Searching the menu of tactics: ``search`` ranks entries for a few typed words.

Each word is stemmed and matched in weighted fields (title and keywords count more than prose);
the whole query in order, or an exact keyword, scores extra; a word that starts a longer one
("licen") gets partial credit; entries matching every word come first. Ties are broken by id,
so results are deterministic. Stdlib only, like ``catalogue``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .catalogue import Tactic

# Field weights: a word in the title or a keyword says more about an entry than one in prose.
_WEIGHTS: dict[str, float] = {
    "title": 3.0,
    "keywords": 3.0,
    "category": 4.0,
    "power": 1.5,
    "summary": 1.0,
    "lead": 0.5,
}
_PHRASE_BONUS = 2.0  # multiplier on the field weight when the whole query appears in order
_EXACT_KEYWORD_BONUS = 4.0  # the query is exactly one of the entry's keywords or its title
_PREFIX_FACTOR = 0.4  # partial credit when a query word starts a longer word ("licen")

_STOPWORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "i", "in", "is",
        "it", "of", "on", "or", "our", "the", "their", "them", "to", "use", "using", "what",
        "which", "with", "who",
    }
)  # fmt: skip
# British spelling wins: the catalogue is written for UK forces.
_SPELLING = {"license": "licence", "licenses": "licence", "offense": "offence"}
_WORD_RE = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    """Cheap plural folding so "doors" finds "door" and "loans" finds "loan"."""
    word = _SPELLING.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _terms(text: str, *, keep_stopwords: bool = False) -> tuple[str, ...]:
    words = _WORD_RE.findall(text.lower().replace("'", ""))
    return tuple(_stem(w) for w in words if keep_stopwords or w not in _STOPWORDS)


@dataclass(frozen=True)
class _Index:
    """Pre-tokenised fields of one tactic: sequences for phrase checks, sets for lookups."""

    sequences: dict[str, tuple[tuple[str, ...], ...]]
    sets: dict[str, frozenset[str]]
    exact: frozenset[tuple[str, ...]]


@lru_cache(maxsize=4096)
def _index(tactic: Tactic) -> _Index:
    texts: dict[str, tuple[str, ...]] = {
        "title": (tactic.title,),
        "keywords": tactic.keywords,
        "category": (tactic.category, tactic.category_label),
        "power": (tactic.power,),
        "summary": (tactic.summary,),
        "lead": (tactic.lead,),
    }
    sequences = {f: tuple(_terms(t) for t in ts) for f, ts in texts.items()}
    sets = {f: frozenset(w for seq in seqs for w in seq) for f, seqs in sequences.items()}
    exact = frozenset(
        _terms(t) for t in (tactic.title, *tactic.keywords, tactic.id.replace("-", " "))
    )
    return _Index(sequences=sequences, sets=sets, exact=exact)


def _contains(seq: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(seq[i : i + n] == phrase for i in range(len(seq) - n + 1))


def _score(index: _Index, query: tuple[str, ...]) -> float:
    score = 0.0
    matched = 0
    for word in query:
        best = 0.0
        for field, weight in _WEIGHTS.items():
            words = index.sets[field]
            if word in words:
                best += weight
            elif len(word) >= 4 and any(w.startswith(word) for w in words):
                best += weight * _PREFIX_FACTOR
        if best:
            matched += 1
            score += best
    if not matched:
        return 0.0
    if len(query) > 1:
        for field, weight in _WEIGHTS.items():
            if any(_contains(seq, query) for seq in index.sequences[field]):
                score += weight * _PHRASE_BONUS * len(query)
    if query in index.exact:
        score += _EXACT_KEYWORD_BONUS * len(query)
    # Entries that match every word beat entries that match one word very well.
    return score * (matched / len(query)) ** 2


def search(tactics: Iterable[Tactic], words: str, limit: int = 10) -> list[tuple[Tactic, float]]:
    """Rank tactics for a free-text query; best first, ties broken by id for stable output."""
    query = _terms(words)
    if not query:
        query = _terms(words, keep_stopwords=True)
    if not query or limit <= 0:
        return []
    scored = [(t, round(_score(_index(t), query), 4)) for t in tactics]
    hits = [(t, s) for t, s in scored if s > 0]
    hits.sort(key=lambda pair: (-pair[1], pair[0].id))
    return hits[:limit]
