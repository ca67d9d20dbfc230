"""``nominals <OCG>``: the OCG's nominals, principals first, with their aliases, status and
how many of its actions and disruptions name them."""

from __future__ import annotations

from collections import Counter

from socbot_plugins.disruptions.models import Disruption
from socbot_plugins.nominals import view
from socbot_plugins.nominals.find import aliases_of
from socbot_plugins.nominals.link import actions_by_nominal
from sqlalchemy import func
from sqlmodel import col, select

from socbot import NOMINAL_ROLES, CommandError, Item, Nominal, Reply, Severity, access
from socbot.context import Context
from socbot.model import Command

READ = "nominal.read"
ACTIVE_FIRST = {"active": 0, "remanded": 1, "convicted": 2, "left": 3, "deceased": 4}


def show(ctx: Context, cmd: Command) -> Reply:
    typed = cmd.options.get("ocg") or cmd.rest()
    if not typed.strip():
        raise CommandError("Which OCG? `nominals smith` or `nominals OCG-0001`.", field="ocg")
    ocg = ctx.ocg(typed, READ)
    members = list(ctx.session.exec(select(Nominal).where(Nominal.ocg_id == ocg.id)).all())
    if not members:
        return Reply(
            title=f"{ocg.ref} {ocg.name}: no nominals recorded",
            text=f'Add one with `nominal add {ocg.ref} "Full Name" principal`.',
        )
    members.sort(
        key=lambda n: (
            NOMINAL_ROLES.index(n.role) if n.role in NOMINAL_ROLES else len(NOMINAL_ROLES),
            ACTIVE_FIRST.get(n.status, 9),
            n.name.lower(),
        )
    )
    aliases = aliases_of(ctx, [n.id or 0 for n in members])
    actions = actions_by_nominal(ctx, ocg.id or 0)
    disruptions = _disruptions(ctx, ocg.id or 0)
    items = []
    for n in members:
        known = aliases.get(n.id or 0, [])
        parts = [n.role, view.said(n.status)]
        if known:
            parts.append("aka " + ", ".join(known))
        parts.append(_count(actions.get(n.id or 0, 0), "action"))
        parts.append(_count(disruptions.get(n.id or 0, 0), "disruption"))
        gone = n.status != "active"
        items.append(Item(f"{n.id} {n.name}", " · ".join(parts), Severity.INFO if gone else None))
    by_role = Counter(n.role for n in members if n.status == "active")
    active = ", ".join(f"{by_role[r]} {r}" for r in NOMINAL_ROLES if by_role[r])
    return Reply(
        title=f"{ocg.ref} {ocg.name}: {len(members)} nominals",
        text=f"Active: {active or 'none'}. Police only: partners never see these names or aliases.",
        items=items,
        context="`nominal regrade|alias|status|link <id> ...` changes one; ids are shown first.",
    )


def _disruptions(ctx: Context, ocg_id: int) -> dict[int, int]:
    """How many of the OCG's disruptions (those the actor may see) name each nominal."""
    visible = access.sensitive_visible(
        ctx.actor, col(Disruption.sensitive), col(Disruption.ocg_id), frozenset({"moderator"})
    )
    rows = ctx.session.exec(
        select(Disruption.nominal_id, func.count())
        .where(Disruption.ocg_id == ocg_id, col(Disruption.nominal_id).is_not(None), visible)
        .group_by(col(Disruption.nominal_id))
    ).all()
    return {nominal_id: n for nominal_id, n in rows if nominal_id}


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"
