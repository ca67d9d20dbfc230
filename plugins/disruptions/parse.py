"""Reading what people type about a disruption: grade, pillar, money, counts, the description.

Pure functions with no database access, so every rule is cheap to test. Each error says what was
expected and names the form field at fault, so a Slack modal or Teams card can show it in place.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from socbot_plugins.disruptions.models import GRADES, QUALITATIVE

from socbot.model import CommandError

# Disruptions are recorded against the four Ps; intelligence work is not a disruption pillar.
PILLARS: tuple[str, ...] = ("pursue", "prevent", "protect", "prepare")
COUNTS: tuple[str, ...] = ("arrests", "charged", "warrants", "vehicles", "orders", "safeguarded")
MONEY: dict[str, str] = {"cash": "cash_pence", "assets": "assets_pence"}
LINKS: tuple[str, ...] = ("nominal", "tactic", "action")
OUTCOME_OPTIONS: tuple[str, ...] = (*COUNTS, *MONEY, "drugs")
RECORD_OPTIONS: tuple[str, ...] = (
    *OUTCOME_OPTIONS,
    *QUALITATIVE,
    *LINKS,
    "level",
    "link",
    "date",
    "sensitive",
)
COUNT_WORDS = {
    "arrests": ("arrest", "arrests"),
    "charged": ("charged", "charged"),
    "warrants": ("warrant", "warrants"),
    "vehicles": ("vehicle", "vehicles"),
    "orders": ("order", "orders"),
    "safeguarded": ("safeguarded", "safeguarded"),
}
MIN_WORDS, MIN_CHARS, MAX_CHARS = 3, 15, 2000
MAX_COUNT = 99_999
MAX_PENCE = 10_000_000_000_00  # £10bn: anything larger is a typo

_PLAIN = re.compile(r"^\d+(?:\.\d{1,2})?$")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?$")
_SCALED = re.compile(r"^(\d+(?:\.\d+)?)\s*(k|m|bn)$")
_SCALE = {"k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}
MONEY_EXAMPLES = "cash=£12,500, cash=12500, cash=£12.5k, assets=£1.2m"


def pick(word: str, choices: Iterable[str], *, what: str, field: str) -> str:
    """One of ``choices``: exact, or a unique prefix of three letters or more; else suggest."""
    options = tuple(choices)
    typed = word.strip().lower()
    if typed in options:
        return typed
    starts = [c for c in options if len(typed) >= 3 and c.startswith(typed)]
    if len(starts) == 1:
        return starts[0]
    listed = ", ".join(options)
    close = starts or difflib.get_close_matches(typed, options, n=2, cutoff=0.5)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    shown = word.strip()[:30] or "(nothing)"
    raise CommandError(f"{shown!r} is not a {what}.{hint} Use one of: {listed}.", field=field)


def grade(word: str) -> str:
    return pick(word, GRADES, what="disruption grade", field="grade")


def pillar(word: str) -> str:
    return pick(word, PILLARS, what="pillar (one of the 4Ps)", field="pillar")


def check_options(options: Mapping[str, str], allowed: Iterable[str]) -> None:
    """Refuse an option we don't know (``arest=2``) rather than silently dropping it."""
    known = tuple(allowed)
    for name in options:
        if name not in known and name != "confirm":  # confirm: the core's (socbot.hold)
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f" Did you mean `{close[0]}=`?" if close else ""
            raise CommandError(
                f"I don't know the option `{name}=`.{hint} Options here: "
                + ", ".join(f"{k}=" for k in known)
                + ".",
                field=name,
            )


def count(text: str, name: str) -> int:
    """A non-negative whole number (``arrests=2``)."""
    cleaned = text.strip().replace(",", "")
    if not cleaned.isdigit() or not cleaned.isascii():
        raise CommandError(
            f"`{name}={text[:20]}` should be a whole number of 0 or more, e.g. `{name}=2`.",
            field=name,
        )
    value = int(cleaned)
    if value > MAX_COUNT:
        raise CommandError(
            f"`{name}={text[:20]}` is more than {MAX_COUNT:,}: please check the number.",
            field=name,
        )
    return value


def money(text: str, name: str) -> int:
    """Pounds as typed (``£12,500``, ``12500.50``, ``£12.5k``, ``1.2m``) -> whole pence."""
    raw = text.strip().lower().replace(" ", "")
    body = raw[1:] if raw.startswith("£") else raw.removeprefix("gbp")
    amount: Decimal | None = None
    try:
        if _PLAIN.match(body) or _GROUPED.match(body):
            amount = Decimal(body.replace(",", ""))
        elif scaled := _SCALED.match(body):
            amount = Decimal(scaled.group(1)) * _SCALE[scaled.group(2)]
    except InvalidOperation:  # pragma: no cover - the patterns admit only valid decimals
        amount = None
    if amount is None:
        raise CommandError(
            f"`{name}={text[:20]}` isn't an amount in pounds. Write it like {MONEY_EXAMPLES} "
            "(no other currencies, no negative amounts).",
            field=name,
        )
    pence = int((amount * 100).to_integral_value())
    if pence > MAX_PENCE:
        raise CommandError(f"`{name}={text[:20]}` is over £10bn: please check it.", field=name)
    return pence


def outcomes(options: Mapping[str, str]) -> dict[str, int | str]:
    """The quantitative outcomes in ``options`` as ``Disruption`` field values."""
    found: dict[str, int | str] = {}
    for name in COUNTS:
        if options.get(name, "").strip():
            found[name] = count(options[name], name)
    for name, column in MONEY.items():
        if options.get(name, "").strip():
            found[column] = money(options[name], name)
    drugs = " ".join(options.get("drugs", "").split())
    if drugs:
        if len(drugs) > 200:
            raise CommandError("Keep `drugs=` under 200 characters.", field="drugs")
        found["drugs"] = drugs
    return found


def description(text: str) -> str:
    """What happened, in enough words for a moderator to judge it."""
    cleaned = " ".join(text.split())
    if len(cleaned.split()) < MIN_WORDS or len(cleaned) < MIN_CHARS:
        raise CommandError(
            "Say what happened in a sentence a moderator can judge (at least "
            f'{MIN_WORDS} words), e.g. "Warrant at the lock-up: 1.2kg cocaine seized, two '
            'arrested". Put it in double quotes.',
            field="what",
        )
    if len(cleaned) > MAX_CHARS:
        raise CommandError(
            f"That description is {len(cleaned):,} characters; keep it under {MAX_CHARS:,} and "
            "leave the detail in your case system.",
            field="what",
        )
    return cleaned


def pounds(pence: int) -> str:
    """``£12,500`` or ``£12,500.50``: how people write money."""
    whole, part = divmod(pence, 100)
    return f"£{whole:,}" + (f".{part:02d}" if part else "")


def summary(values: Mapping[str, object]) -> str:
    """``2 arrests, 1 warrant, £12,500 cash, 1.2kg cocaine`` (empty when there are none)."""
    parts: list[str] = []
    for name in COUNTS:
        n = int(values.get(name) or 0)  # type: ignore[call-overload]
        if n:
            one, many = COUNT_WORDS[name]
            parts.append(f"{n:,} {one if n == 1 else many}")
    for name, column in MONEY.items():
        pence = int(values.get(column) or 0)  # type: ignore[call-overload]
        if pence:
            parts.append(f"{pounds(pence)} {name}")
    if values.get("drugs"):
        parts.append(f"drugs: {values['drugs']}")
    return ", ".join(parts)
