"""``nominal link <id or name> action <id> | disruption <id>``: say whom a record targets.

A disruption names one nominal, in its own ``nominal_id`` (what ``disrupt ... nominal=`` sets),
so linking another replaces it and the reply says so. An action may target several nominals:
each link is a ``NominalAction`` row (what ``action ... nominal=`` adds).
"""

from __future__ import annotations

from socbot_plugins.actions.models import Action
from socbot_plugins.actions.rules import sees_action
from socbot_plugins.disruptions.models import Disruption
from socbot_plugins.nominals import find, view
from socbot_plugins.nominals.models import NominalAction
from sqlalchemy import update
from sqlmodel import col, select

from socbot import CommandError, Fact, Nominal, Ocg, Reply, Severity, access
from socbot.context import Context
from socbot.model import Command
from socbot.parser import record_number

KINDS = ("action", "disruption")
USAGE = "`nominal link <id or name> action <id>` or `nominal link <id or name> disruption <id>`"


def link(ctx: Context, cmd: Command, words: list[str]) -> Reply:
    at = len(words) - 2
    if at < 1 or words[at].lower() not in KINDS:
        raise CommandError(f"Usage: {USAGE}.", field="record")
    nominal, ocg = find.to_change(ctx, words[:at])
    kind, ident = words[at].lower(), words[at + 1]
    facts = [*view.facts(ocg, nominal, None), Fact(kind.capitalize(), f"#{ident.lstrip('#')}")]
    if kind == "action":
        action = _action(ctx, ident, ocg)
        add_action_link(ctx, nominal, action)
    else:
        disruption = _disruption(ctx, ident, ocg)
        before = ctx.session.get(Nominal, disruption.nominal_id) if disruption.nominal_id else None
        if before is not None and before.id == nominal.id:
            raise _already(kind, disruption.id, nominal)
        table = Disruption.__table__  # type: ignore[attr-defined]
        ctx.session.execute(
            update(table).where(table.c.id == disruption.id).values(nominal_id=nominal.id)
        )
        if before is not None:
            facts.append(Fact("Was linked to", f"{before.id} {before.name}"))
    return Reply(
        title=f"{kind.capitalize()} #{ident.lstrip('#')} linked to {nominal.name}",
        facts=facts,
        severity=Severity.SUCCESS,
    )


def add_action_link(ctx: Context, nominal: Nominal, action: Action) -> None:
    """Link an action to a nominal once; a second time is an error (nothing written)."""
    linked = select(NominalAction.id).where(
        NominalAction.nominal_id == nominal.id, NominalAction.action_id == action.id
    )
    if ctx.session.exec(linked).first() is not None:
        raise _already("action", action.id, nominal)
    ctx.session.add(
        NominalAction(
            nominal_id=nominal.id or 0,
            action_id=action.id or 0,
            linked_at=ctx.utcnow(),
            by_id=ctx.actor.id or 0,
        )
    )


def _already(kind: str, number: int | None, nominal: Nominal) -> CommandError:
    return CommandError(
        f"{kind.capitalize()} #{number} is already linked to {nominal.name}: nothing changed.",
        field="record",
    )


def _missing(kind: str, ident: str, ocg: Ocg) -> CommandError:
    """One answer for "no such record", "another OCG's" and "not yours to see"."""
    return CommandError(
        f"{ocg.ref} has no {kind} {ident[:20]!r} that you can see: a nominal is linked to records "
        f"of their own OCG (`{kind}s {ocg.ref}` lists them).",
        field="record",
    )


def _action(ctx: Context, ident: str, ocg: Ocg) -> Action:
    number = record_number(ident)
    found = ctx.session.get(Action, number) if number else None
    if found is None or found.ocg_id != ocg.id or not sees_action(ctx.session, ctx.actor, found):
        raise _missing("action", ident, ocg)
    return found


def _disruption(ctx: Context, ident: str, ocg: Ocg) -> Disruption:
    number = record_number(ident)
    found = ctx.session.get(Disruption, number) if number else None
    if (
        found is None
        or found.ocg_id != ocg.id
        or (found.sensitive and not access.sees_sensitive(ctx.actor, found.ocg_id))
    ):
        raise _missing("disruption", ident, ocg)
    return found


def actions_by_nominal(ctx: Context, ocg_id: int) -> dict[int, int]:
    """How many of the OCG's actions (those the actor may see) target each nominal."""
    visible = access.sensitive_visible(ctx.actor, col(Action.sensitive), col(Action.ocg_id))
    rows = ctx.session.exec(
        select(NominalAction.nominal_id, col(NominalAction.action_id))
        .join(Action, col(Action.id) == NominalAction.action_id)
        .where(Action.ocg_id == ocg_id, visible)
    ).all()
    counts: dict[int, int] = {}
    for nominal_id, _ in rows:
        counts[nominal_id] = counts.get(nominal_id, 0) + 1
    return counts
