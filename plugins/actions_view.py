"""How actions read in chat, nudges and digests: due dates in words, ages, quick replies, and
the partner view, which never carries a nominal's name or an OCG's intelligence name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time

from sqlmodel import Session, col, select

from socbot import Button, Item, Severity
from socbot.clock import local, say_date
from socbot.db.models import Action, Nominal, Ocg, OcgAlias, Person

Redact = Callable[[int, str], str]


def overdue_days(due: datetime, today: date) -> int:
    """Whole days since the due day (0 when it fell due today)."""
    return (today - local(due).date()).days


def say_due(due: datetime, now: datetime) -> str:
    """``Fri 5 Mar 2027 18:00 (in 2 days)`` or ``Tue 16 Feb 2027 18:00 (15 days overdue)``."""
    there, today = local(due), now.date()
    words = f"{say_date(there)} {there:%H:%M}"
    if due <= now:
        late = overdue_days(due, today)
        return (
            f"{words} ({late} day{'s' if late != 1 else ''} overdue)"
            if late
            else (f"{words} (overdue today)")
        )
    ahead = (there.date() - today).days
    soon = {0: "today", 1: "tomorrow"}.get(ahead, f"in {ahead} days")
    return f"{words} ({soon})"


def echo_due(due: datetime, now: datetime, end_of_day: time) -> str:
    """The parsed date in words, so a misreading is caught at once."""
    there = local(due)
    ahead = (there.date() - now.date()).days
    soon = {0: "today", 1: "tomorrow"}.get(ahead, f"in {ahead} days")
    if there.time() == end_of_day:
        return f"{say_date(there)}, end of the working day ({there:%H:%M}, {soon})"
    return f"{say_date(there)} at {there:%H:%M} ({soon})"


def owner_label(owner: Person | None, agency: str | None) -> str:
    if owner is None:
        return f"{agency} (agency)"
    if owner.agency.lower() == "police":
        return f"@{owner.handle}"
    return f"@{owner.handle}, {owner.agency}"


def quick_replies(action_id: int) -> list[Button]:
    """The contract other faces and plugins rely on: Done opens the form, Snooze a week runs."""
    return [
        Button("Done", "form:action.done", {"id": str(action_id)}),
        Button(
            "Snooze a week",
            "snooze",
            {"args": f'{action_id} "in 1 week" "snoozed from a reminder"'},
        ),
    ]


def action_item(
    action: Action,
    *,
    now: datetime,
    owner: str | None,
    ocg: str | None = None,
    buttons: bool = False,
    redact: Redact | None = None,
) -> Item:
    """One action as a list line; ``ocg``/``owner`` are left out when a heading already says."""
    text = redact(action.ocg_id, action.description) if redact else action.description
    parts = [p for p in (ocg, action.pillar.capitalize(), owner) if p]
    parts.append(f"due {say_due(action.due_at, now)}")
    late = action.status == "open" and action.due_at <= now
    return Item(
        f"#{action.id} {text}",
        " · ".join(parts),
        Severity.WARNING if late else None,
        quick_replies(action.id or 0) if buttons and action.status == "open" else [],
    )


def ocg_label(ocg: Ocg, sanitised: bool) -> str:
    """Partners see the partner-safe name, never the intelligence name."""
    name = (ocg.partner_name or "Group") if sanitised else ocg.name
    return f"{name} ({ocg.ref})"


def description(session: Session, action: Action, sanitised: bool) -> str:
    """An action's description for one reader: partners' copy goes through ``redactor``, like
    every list, nudge and digest. Replies about a single action use this."""
    if not sanitised:
        return action.description
    return redactor(session, [action.ocg_id])(action.ocg_id, action.description)


def redactor(session: Session, ocg_ids: Iterable[int]) -> Redact:
    """Blank out the names of an OCG's nominals, its name and aliases from free text, for
    partners' eyes. Nothing is read until the first call; then three queries cover every OCG."""
    ids = list(set(ocg_ids))
    # Full names, surnames, principal and significant nominals' first names, aliases and the
    # OCG's name, matched in any case and with a plural ("the smiths van")...
    names: dict[int, set[str]] = {}
    # ...except single common words ("Black", "Docks", "Frank"), matched only as written, so
    # that "black van" and "the docks cafe" survive.
    surnames: dict[int, set[str]] = {}
    patterns: dict[int, list[re.Pattern[str]]] = {}

    def keep(ocg_id: int, term: str) -> None:
        term = " ".join(term.split())
        if len(term) < 3:
            return
        common = " " not in term and term.lower() in COMMON_WORDS
        (surnames if common else names).setdefault(ocg_id, set()).add(term)

    def load() -> None:
        for ocg_id, name, role in session.exec(
            select(Nominal.ocg_id, Nominal.name, Nominal.role).where(Nominal.ocg_id.in_(ids))  # type: ignore[attr-defined]
        ).all():
            names.setdefault(ocg_id, set()).add(name)
            parts = name.split()
            if len(parts) > 1:
                keep(ocg_id, parts[-1])
                if role in ("principal", "significant"):
                    keep(ocg_id, parts[0])
        for ocg_id, alias in session.exec(
            select(OcgAlias.ocg_id, OcgAlias.alias).where(OcgAlias.ocg_id.in_(ids))  # type: ignore[attr-defined]
        ).all():
            keep(ocg_id, alias)
        for oid, name in session.exec(select(Ocg.id, Ocg.name).where(col(Ocg.id).in_(ids))).all():
            keep(oid or 0, name)

    def redact(ocg_id: int, text: str) -> str:
        if not patterns and ids:
            load()
            patterns[-1] = []  # loaded
        if not _may_occur(names.get(ocg_id, set()) | surnames.get(ocg_id, set()), text):
            return text  # the usual case: no pattern to compile or run
        if ocg_id not in patterns:  # compiled on first use: most OCGs never reach a partner
            found = _words(names.get(ocg_id, set()), surnames.get(ocg_id, set()))
            patterns[ocg_id] = [found] if found else []
        for pattern in patterns[ocg_id]:
            text = pattern.sub("[name withheld]", text)
        return text

    return redact


# The non-ASCII characters that ``re.IGNORECASE`` equates with ASCII ones ("İ", "ı", "ſ" and
# the Kelvin sign): folded first, so that a name spelled with one is still found.
_ASCII_TWINS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _may_occur(found: set[str], text: str) -> bool:
    """False only when no name in ``found`` can match in ``text``, in any case."""
    folded = text.translate(_ASCII_TWINS).lower()
    return any(not n.isascii() or n.lower() in folded for n in found)


def _words(any_case: set[str], as_written: set[str]) -> re.Pattern[str] | None:
    """One pattern for both kinds of name, longest first, each with an optional plural."""
    found = [(n, f"(?i:{re.escape(n)})") for n in any_case]
    found += [(n, re.escape(n)) for n in as_written - any_case]
    if not found:
        return None
    alternatives = "|".join(p for _, p in sorted(found, key=lambda f: len(f[0]), reverse=True))
    return re.compile(rf"\b(?:{alternatives})(?i:e?s)?\b")


# Single words that are names but also ordinary English: matched only as written (capitalised),
# never in lower case. Extend it when a partner's text loses an everyday word.
_COMMON = """
    abbey able ace ash bank bar barber bay beach bell best bird black blue bolt bond book
    bottle bow box brand brass bridge bright brook brown buck bull bush butcher butler cage
    can cane cash castle chance chapel chase cheek child church clay cliff coach collar cook
    cooper copper cork cotton court crane cross crow crown dale dawn day dean dock docks
    door dove drake duke dyer earl east english fair faith field finch fish fisher fleet
    flood ford forest fort fowler fox frank free friend frost gamble garden gardener gay gem
    glass gold golden good grace grant gray green grey grove guy hall ham hand hardy harper
    hawk hay heath hill holly hood hope horn house hunt hunter ivy jack jay joy judge keen
    key king kite knight lake lamb lane law lea lee legal light lily lock long lord love low
    major mark marsh marshal mason may mayor mill miller moon moor moss new noble north oak
    orange page park patience peace pearl penny pike pine plant pool pope porter post potter
    pound power price prince rain ram ray read reed rich ridge ring river rob robin rock
    rose royal ruby rush sage salt savage sea shadow sharp shepherd ship short silver
    skinner slater small snow south sparrow spring squire stag stamp star steel stone storm
    strong summer swan sweet tanner temple thorn tower town tree vale walker wall ward
    warren water watt weaver well west white wild will wise wolf wood wren young
"""
COMMON_WORDS = frozenset(_COMMON.split())
