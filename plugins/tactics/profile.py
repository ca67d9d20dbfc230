"""``profile <OCG>`` and ``profile <OCG> add <category> "fact"``: what is known of an OCG's
business, vehicles, lifestyle... The headings are the ones LROs ask partners about, and each
leads to the tactics of the same name, so facts here sharpen ``tactics for <OCG>``.
"""

from __future__ import annotations

import difflib

from socbot_plugins.tactics.models import ProfileFact
from sqlalchemy import func
from sqlmodel import col, select

from socbot import Ocg, Person
from socbot.clock import local, say_date
from socbot.context import Context
from socbot.events import ProfileFactAdded
from socbot.model import Command, CommandError, Item, Reply, Section, Severity

PROFILE_CATEGORIES = ("business", "crime", "travel", "vehicles", "behaviour", "lifestyle",
                      "enablers")  # fmt: skip
_ALIASES = {
    "vehicle": "vehicles",
    "cars": "vehicles",
    "criminality": "crime",
    "crimes": "crime",
    "enabler": "enablers",
    "facilitators": "enablers",
    "behavior": "behaviour",
    "businesses": "business",
}
MAX_FACT = 300
EXAMPLE = 'business "nail salon, Southsea"'


def usage(ref: str = "<OCG>") -> str:
    return f'`ocg profile {ref} add <category> "fact"`, e.g. `ocg profile {ref} add {EXAMPLE}`'


def profile_command(ctx: Context, cmd: Command) -> Reply:
    """Route ``profile <OCG>`` and ``profile <OCG> add <category> "fact"``."""
    words = list(cmd.args)
    lowered = [w.lower() for w in words]
    if "add" in lowered[1:]:
        at = lowered.index("add", 1)
        return add_fact(ctx, " ".join(words[:at]), words[at + 1 :])
    if not words:
        raise CommandError(
            f"Which OCG? Try `ocg profile smith`, or add a fact with {usage()}.", field="ocg"
        )
    return show_profile(ctx, " ".join(words))


def category_for(word: str) -> str:
    """The profile category ``word`` names, or a polite error listing them."""
    key = word.strip().lower()
    key = _ALIASES.get(key, key)
    if key in PROFILE_CATEGORIES:
        return key
    close = difflib.get_close_matches(key, PROFILE_CATEGORIES, n=1, cutoff=0.6)
    hint = f" Did you mean `{close[0]}`?" if close else ""
    raise CommandError(
        f"{word[:30]!r} isn't a profile category.{hint} Use one of: "
        f"{', '.join(PROFILE_CATEGORIES)}.",
        field="category",
    )


def add_fact(ctx: Context, query: str, rest: list[str]) -> Reply:
    if not query.strip():
        raise CommandError(f"Which OCG? Use {usage()}.", field="ocg")
    ocg = ctx.ocg(query, "profile.write")
    if not rest:
        raise CommandError(f"Say which category and the fact: {usage(ocg.ref)}.", field="category")
    category = category_for(rest[0])
    fact = " ".join(" ".join(rest[1:]).split())
    if not fact:
        raise CommandError(
            f'What is known? Put the fact in quotes: `ocg profile {ocg.ref} add {category} "..."`.',
            field="fact",
        )
    if len(fact) > MAX_FACT:
        raise CommandError(
            f"That fact is {len(fact)} characters; keep it under {MAX_FACT} and put the detail in "
            "your intelligence system.",
            field="fact",
        )
    duplicate = ctx.session.exec(
        select(ProfileFact.id).where(
            ProfileFact.ocg_id == ocg.id,
            ProfileFact.category == category,
            func.lower(ProfileFact.fact) == fact.lower(),
        )
    ).first()
    if duplicate is not None:
        raise CommandError(
            f"{ocg.ref}'s {category} profile already has “{fact}”. Nothing was added.",
            field="fact",
        )
    record = ProfileFact(
        ocg_id=ocg.id or 0,
        category=category,
        fact=fact,
        added_by_id=ctx.actor.id or 0,
        added_at=ctx.utcnow(),
    )
    ctx.session.add(record)
    ctx.session.flush()
    ctx.emit(ProfileFactAdded(record))
    return Reply(
        title=f"Added to the {category} profile of {ctx.ocg_name(ocg)} ({ocg.ref})",
        text=f"“{fact}”",
        severity=Severity.SUCCESS,
        context=f"`ocg tactics for {ocg.ref}` now weighs it; `ocg profile {ocg.ref}` shows all.",
    )


def show_profile(ctx: Context, query: str) -> Reply:
    ocg = ctx.ocg(query)
    grouped = _facts(ctx, ocg)
    missing = [c for c in PROFILE_CATEGORIES if c not in grouped]
    title = f"Profile: {ctx.ocg_name(ocg)} ({ocg.ref})"
    if not grouped:
        return Reply(
            title=title,
            text="Nothing is recorded yet. Facts about its business, vehicles, lifestyle, travel, "
            "behaviour, crime and enablers let `ocg tactics for` suggest tactics that fit.",
            context=f"Add one with {usage(ocg.ref)}.",
        )
    sections = [
        Section(title=c.title(), items=[Item(fact, detail) for fact, detail in grouped[c]])
        for c in PROFILE_CATEGORIES
        if c in grouped
    ]
    gaps = f"Nothing yet on {', '.join(missing)}. " if missing else ""
    return Reply(
        title=title,
        sections=sections,
        context=f"{gaps}Add with {usage(ocg.ref)}.",
    )


def _facts(ctx: Context, ocg: Ocg) -> dict[str, list[tuple[str, str]]]:
    """Facts grouped by category, oldest first, with who added them and when (one query)."""
    rows = ctx.session.exec(
        select(ProfileFact.category, ProfileFact.fact, ProfileFact.added_at, Person.handle)
        .join(Person, col(Person.id) == ProfileFact.added_by_id)
        .where(ProfileFact.ocg_id == ocg.id)
        .order_by(col(ProfileFact.id))
    ).all()
    grouped: dict[str, list[tuple[str, str]]] = {}
    for category, fact, added_at, handle in rows:
        grouped.setdefault(category, []).append((fact, f"@{handle}, {say_date(local(added_at))}"))
    return grouped
