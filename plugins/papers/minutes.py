"""``ocg minutes <OCG> "outcome" action: ... action: ...``: the tasking meeting's outcome for one
OCG, and the actions it agreed, recorded in one step.

People leave the tasking meeting with actions that nobody writes down (issue 17): the minutes go
into the OCG's decision log as a ``minutes`` entry (the last one is the "last meeting" line of
``ocg page``), and each ``action:`` part is given to ``ocg action`` itself, so an action agreed
at the meeting is checked exactly as one typed on its own. One bad action (an unknown owner, a
date that can't be read, a pillar that isn't one) refuses the whole command: the transaction
rolls back and nothing at all is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from socbot_plugins.actions import add_action
from socbot_plugins.plan import decisions

from socbot import PILLARS, Ocg
from socbot.context import Context
from socbot.hold import Held
from socbot.model import Command, CommandError, Fact, Item, Reply, Section, Severity
from socbot.parser import normalise, parse

USAGE = 'minutes <OCG> "outcome" [partner=yes] action: @owner <pillar> "what" due <when> ...'
RATIONALE = "recorded as the tasking meeting's minutes"
MAX_ACTIONS = 20
_ACTION = re.compile(r"(?:^|\s)action:", re.I)
_LEAD = re.compile(r"^.*?\bminutes\b", re.I | re.S)
_OPTIONS = {"partner", "confirm"}


@dataclass(frozen=True)
class Agreed:
    """One ``action:`` part as typed, and the command it becomes."""

    number: int
    typed: str
    command: Command


def record(ctx: Context, cmd: Command) -> Reply:
    """Write the minutes entry, then every agreed action; the first refusal undoes them all."""
    head, parts = _split(cmd)
    if not head.args:
        raise CommandError(
            f"Which OCG, and what did the meeting decide? `ocg {USAGE}`", field="ocg"
        )
    unknown = sorted(set(head.options) - _OPTIONS)
    if unknown:
        raise CommandError(
            f"I don't know the option {unknown[0]}=. `minutes` takes partner=yes (before the "
            "first `action:`).",
            field=unknown[0],
        )
    ocg = ctx.ocg(head.args[0])
    text = " ".join(head.args[1:]).strip()
    if len(text.split()) < 2:
        raise CommandError(
            f'What did the meeting decide about {ocg.ref}? e.g. `ocg minutes {ocg.ref} "agreed '
            'to target the car wash first" action: @nguyen pursue "cash seizure" due 12/12`.',
            field="text",
        )
    partner = decisions._yes(head.options.get("partner", "no"), "partner")
    shown = decisions._as_partners_see(ctx, ocg, {"Minutes": text}) if partner else []
    agreed = [_agreed(ocg, n, typed) for n, typed in enumerate(parts, 1)]
    replies = [_add(ctx, a) for a in agreed]
    ids = [(r.title or "").removeprefix("Action ").removesuffix(" added") for r in replies]
    rationale = RATIONALE + (f"; actions agreed: {', '.join(ids)}" if ids else "")
    entry = decisions.record(ctx, ocg, text, rationale, topic="minutes", partner=partner)
    facts = [
        Fact("Actions agreed", ", ".join(ids) if ids else "none"),
        Fact("Partners", "can read the minutes" if partner else "don't see the minutes"),
        *shown,
    ]
    items = [Item(r.title or "", (r.text or "").split("\n")[0]) for r in replies]
    return Reply(
        title=f"Minutes recorded: {ocg.ref} {ctx.ocg_name(ocg)} #{entry.id}",
        text=text,
        facts=facts,
        sections=[Section("Actions agreed", items=items)] if items else [],
        severity=Severity.SUCCESS,
    )


def _split(cmd: Command) -> tuple[Command, list[str]]:
    """The words before the first ``action:`` (OCG, outcome, options), and each action part."""
    body = _LEAD.sub("", normalise(cmd.text), count=1) if cmd.text else _joined(cmd)
    head, *parts = _ACTION.split(body)
    parts = [p.strip() for p in parts]
    if len(parts) > MAX_ACTIONS:
        raise CommandError(
            f"That is {len(parts)} actions: record up to {MAX_ACTIONS} at once.", field="text"
        )
    for n, part in enumerate(parts, 1):
        if not part:
            raise CommandError(
                f'Action {n} is empty. Write it as `action: @owner <pillar> "what" due <when>`.',
                field="text",
            )
    return parse("minutes " + head), parts


def _joined(cmd: Command) -> str:
    """A form's or a test's command, with no typed text: its words quoted back."""
    from socbot.parser import join_args

    return join_args(cmd)


def _agreed(ocg: Ocg, number: int, typed: str) -> Agreed:
    """``@owner pursue "what" due 12/12 [sensitive=yes]`` as the command ``ocg action`` runs."""
    parsed = parse("action " + typed)
    words = list(parsed.args)
    at = next((i for i, w in enumerate(words) if w.lower() in PILLARS), None)
    if at is None:
        raise CommandError(
            f"Action {number} ({typed}) names no pillar: use one of {', '.join(PILLARS)}. "
            "Nothing was recorded.",
            field="pillar",
        )
    options = {**parsed.options, "ocg": ocg.ref, "pillar": words.pop(at)}
    return Agreed(number, typed, Command("action", tuple(words), options, text=""))


def _add(ctx: Context, agreed: Agreed) -> Reply:
    """Run ``ocg action``'s own code, naming the action at fault when it refuses."""
    try:
        return add_action(ctx, agreed.command)
    except Held:  # text for a partner shown back to confirm: nothing written either way
        raise
    except CommandError as exc:
        raise type(exc)(
            f"Action {agreed.number} ({agreed.typed}): {exc.message} Nothing was recorded.",
            field=exc.field,
            hint=exc.hint,
        ) from exc
