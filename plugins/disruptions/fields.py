"""Every field of a disruption that can be given when it is recorded or corrected afterwards:
the option people type, the column it fills, how the text is read and how the value is shown.
One table, so ``disrupt``, ``disruption <id> edit`` and the history read and say them alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from socbot_plugins.disruptions import parse
from socbot_plugins.disruptions.links import check_tactic, nominal
from socbot_plugins.disruptions.models import LEVELS, QUALITATIVE, Disruption

from socbot import Nominal, Ocg
from socbot.clock import say_date
from socbot.context import Context
from socbot.dates import parse_past
from socbot.model import CommandError

MAX_NOTE = 200


@dataclass(frozen=True)
class Editable:
    option: str
    column: str
    read: Callable[[Context, Ocg, str], Any]
    show: Callable[[Context, Any], str]
    label: str


def level(text: str) -> str:
    return parse.pick(text, LEVELS, what="Prevent level", field="level")


def note(text: str, name: str) -> str | None:
    """A qualitative outcome's short note: a few words, under 200 characters."""
    cleaned = " ".join(text.split())
    if not cleaned or cleaned.lower() in ("none", "-"):
        return None
    if len(cleaned.split()) < 3 or len(cleaned) > MAX_NOTE:
        raise CommandError(
            f"`{name}=` takes a short note of what changed, 3 words to {MAX_NOTE} characters, "
            f'e.g. `{name}="residents now report dealing to the PCSO"`.',
            field=name,
        )
    return cleaned


def _plain(ctx: Context, value: Any) -> str:
    return "" if value is None else str(value)


def _nominal_read(ctx: Context, ocg: Ocg, text: str) -> int | None:
    return None if text.strip().lower() in ("none", "-") else nominal(ctx, ocg, text).id


def _nominal_show(ctx: Context, value: Any) -> str:
    found = ctx.session.get(Nominal, value) if value else None
    return f"{found.name} ({found.role})" if found else ""


def _tactic_read(ctx: Context, ocg: Ocg, text: str) -> str:
    return check_tactic(text)


def _date_read(ctx: Context, ocg: Ocg, text: str) -> date:
    return parse_past(text, ctx.now(), what="disruption date")


def _count(name: str) -> Editable:
    return Editable(
        name, name, lambda ctx, ocg, text: parse.count(text, name), _plain, name.capitalize()
    )


def _money(name: str, column: str) -> Editable:
    return Editable(
        name,
        column,
        lambda ctx, ocg, text: parse.money(text, name),
        lambda ctx, pence: parse.pounds(int(pence or 0)),
        f"{name.capitalize()} seized",
    )


def _note(name: str, column: str) -> Editable:
    return Editable(
        name,
        column,
        lambda ctx, ocg, text: note(text, name),
        _plain,
        column.replace("_", " ").capitalize(),
    )


EDITABLE: dict[str, Editable] = {
    e.option: e
    for e in (
        Editable("grade", "grade", lambda c, o, t: parse.grade(t), _plain, "Grade"),
        Editable("pillar", "pillar", lambda c, o, t: parse.pillar(t), _plain, "Pillar"),
        Editable("level", "prevent_level", lambda c, o, t: level(t), _plain, "Prevent level"),
        Editable("date", "occurred_on", _date_read, lambda c, v: say_date(v), "Date"),
        Editable("what", "description", lambda c, o, t: parse.description(t), _plain, "What"),
        *(_count(name) for name in parse.COUNTS),
        *(_money(name, column) for name, column in parse.MONEY.items()),
        Editable(
            "drugs", "drugs", lambda c, o, t: " ".join(t.split())[:200] or None, _plain, "Drugs"
        ),
        Editable("nominal", "nominal_id", _nominal_read, _nominal_show, "Nominal"),
        Editable("tactic", "tactic_id", _tactic_read, _plain, "Tactic"),
        *(_note(name, column) for name, column in QUALITATIVE.items()),
    )
}


def qualitative(options: dict[str, str] | Any) -> dict[str, str]:
    """The qualitative outcomes given as options, as column values."""
    found = {}
    for name, column in QUALITATIVE.items():
        if options.get(name, "").strip():
            value = note(options[name], name)
            if value:
                found[column] = value
    return found


def qualitative_facts(d: Disruption) -> list[tuple[str, str]]:
    return [
        (column.replace("_", " ").capitalize(), getattr(d, column))
        for column in QUALITATIVE.values()
        if getattr(d, column)
    ]
