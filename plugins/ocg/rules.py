"""OCG scoring rules and the review clock, as pure functions (no store, no chat).

Facts from the Home Office LRO guidance (``seeds/001``): sections "Understanding the OCG threat
bands and scores" (band = harm number 1-5 + capability letter A-C, 1A highest threat), "MoRiLE",
"Prioritisation mechanism (P-mech)" (P1-P4) and "Tiers of response" (review every 1, 3, 3 or 6
months by tier). Clear, Hold, Build from section G.
"""

from __future__ import annotations

import re
from datetime import date

from socbot import BANDS, PHASES, REVIEW_MONTHS
from socbot.clock import add_months, say_date
from socbot.model import CommandError

HARM = {
    "1": "extreme harm",
    "2": "significant harm",
    "3": "serious harm",
    "4": "moderate harm",
    "5": "low-level harm",
}
CAPABILITY = {
    "A": "highly organised and capable",
    "B": "structured and competent",
    "C": "loose and disorganised",
}
TIERS = {
    1: "full investigation",
    2: "limited plan to prevent or disrupt",
    3: "proactive intelligence development",
    4: "kept mapped, watching for opportunities",
}
PERIOD_WORDS = {1: "monthly", 3: "quarterly", 6: "every 6 months"}
PHASE_WORDS = {
    "clear": "Clear: removing and disrupting the group",
    "hold": "Hold: stopping others filling the gap",
    "build": "Build: growing community resilience",
}
PMECHS = ("P1", "P2", "P3", "P4")
STALE_MONTHS = 12
_PMECH = re.compile(r"^p?([1-4])$", re.I)


def check_band(text: str) -> str:
    """``2b`` -> ``2B``; anything outside 1A-5C is refused with the reason."""
    band = text.strip().upper()
    if band not in BANDS:
        raise CommandError(
            f"{text!r} isn't an OCGM band. A band is a harm number 1-5 (1 = most harmful) "
            "followed by a capability letter A-C (A = most capable), from 1A to 5C, e.g. 2B.",
            field="band",
        )
    return band


def check_tier(text: str | int) -> int:
    value = str(text).strip().lower().removeprefix("tier").strip()
    if value not in {"1", "2", "3", "4"}:
        raise CommandError(
            f"{text!r} isn't a tier of response: use 1, 2, 3 or 4 "
            "(1 full investigation ... 4 kept mapped).",
            field="tier",
        )
    return int(value)


def check_pmech(text: str) -> str | None:
    """``P2`` or ``2``; ``none`` clears it (most OCGs have no P-mech band)."""
    value = text.strip()
    if value.lower() in ("none", "-", "no"):
        return None
    found = _PMECH.match(value)
    if not found:
        raise CommandError(
            f"{text!r} isn't a P-mech band: use P1, P2, P3 or P4, or `none` to clear it.",
            field="pmech",
        )
    return f"P{found.group(1)}"


def check_morile(text: str) -> float:
    try:
        score = float(text.strip().replace(",", ""))
    except ValueError:
        score = float("nan")
    if score != score or score < 0 or score == float("inf"):
        raise CommandError(
            f"{text!r} isn't a MoRiLE score: give the number from the assessment, e.g. 78.",
            field="morile",
        )
    return score


def check_phase(text: str) -> str:
    phase = text.strip().lower()
    if phase not in PHASES:
        raise CommandError(
            f"{text!r} isn't a Clear, Hold, Build phase: use clear, hold or build.", field="phase"
        )
    return phase


def band_meaning(band: str) -> str:
    """``1A`` -> ``harm 1 of 5 (extreme harm), capability A of C (highly organised...)``."""
    return (
        f"harm {band[0]} of 5 ({HARM[band[0]]}), "
        f"capability {band[1]} of A-C ({CAPABILITY[band[1]]})"
    )


def tier_meaning(tier: int) -> str:
    return f"{tier}: {TIERS[tier]}; reviewed {PERIOD_WORDS[REVIEW_MONTHS[tier]]}"


def say_score(score: float | None) -> str:
    if score is None:
        return "-"
    return f"{score:g}"


def next_due(last: date, tier: int) -> date:
    """The review clock: the tier's period in calendar months from ``last``, clamped to month end.

    ``last`` is the last review (or the creation date while there has been none); the tier is the
    one in force after that review, so a tier change counts from the review that made it.
    """
    return add_months(last, REVIEW_MONTHS[tier])


def stale(assessed: date | None, today: date) -> bool:
    """A MoRiLE assessment older than twelve calendar months is worth redoing."""
    return assessed is None or assessed < add_months(today, -STALE_MONTHS)


def age(then: date, today: date) -> str:
    """``today``, ``5 days ago``, ``3 weeks ago``, ``4 months ago``, ``2 years ago``."""
    days = (today - then).days
    if days <= 0:
        return "today"
    if days < 14:
        return "1 day ago" if days == 1 else f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    months = (today.year - then.year) * 12 + today.month - then.month - (today.day < then.day)
    if months < 24:
        return f"{months} months ago"
    return f"{months // 12} years ago"


def due_phrase(due: date, today: date) -> str:
    """``overdue by 12 days (due Thu 19 Feb 2027)``, ``due today``, ``due in 5 days (...)``."""
    days = (due - today).days
    if days < 0:
        n = -days
        return f"overdue by {n} day{'s' if n != 1 else ''} (was due {say_date(due)})"
    if days == 0:
        return f"due today ({say_date(due)})"
    return f"due in {days} day{'s' if days != 1 else ''} ({say_date(due)})"
