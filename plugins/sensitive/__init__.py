"""Built-in plugin 'sensitive': mark an action or a disruption sensitive (covert work,
deconfliction), so only the OCG's police roles see it: never a partner, never a digest to a
partner or a shared channel. The rule itself is the core's (``access.sees_sensitive``); this
plugin gives the SIO and LRO the command to set it.

Command: ``sensitive action|disruption <id> [off] "reason"``.
"""

from __future__ import annotations

from socbot_plugins.actions.models import Action, ActionChange
from socbot_plugins.disruptions.models import Disruption
from sqlalchemy import update

from socbot import (
    CommandError,
    CommandSpec,
    Fact,
    Ocg,
    Permission,
    Person,
    Reply,
    Severity,
    hookimpl,
)
from socbot.context import Context
from socbot.hold import is_partner
from socbot.model import Command, NotAllowed
from socbot.parser import record_number
from socbot.registry import Register

USAGE = 'sensitive action|disruption <id> [off] "reason"'


@hookimpl
def register_permissions(register: Register) -> None:
    register(
        Permission(
            "record.sensitive",
            "mark an action or disruption sensitive: the OCG's police roles only",
            {"sro": "any", "lro": "own", "sio": "own"},
        )
    )


@hookimpl
def register_commands(register: Register) -> None:
    register(
        CommandSpec(
            "sensitive",
            mark,
            "Mark an action or disruption sensitive: only the OCG's police roles see it",
            usage=USAGE,
            examples=(
                'sensitive action 12 "deconfliction with the NCA"',
                'sensitive disruption 7 off "operation now overt"',
            ),
            permission="record.sensitive",
            details="For covert work and deconfliction. A sensitive record is shown only to "
            "those holding a police role on its OCG, the SRO and admins (and moderators, for "
            "disruptions): never to a partner, never in a digest to a partner or a shared "
            "channel, and a reply showing one cannot be shared. The SIO and LRO of the OCG "
            "mark it; `off` unmarks it. A partner's action must be reassigned to the police "
            "first. `action` and `disrupt` also take `sensitive=yes`.",
            writes=True,
        )
    )


def mark(ctx: Context, cmd: Command) -> Reply:
    words = list(cmd.args)
    if len(words) < 2 or words[0].lower() not in ("action", "disruption"):
        raise CommandError(f"Say which record: `ocg {USAGE}`.", field="id")
    kind, ident, rest = words[0].lower(), words[1], words[2:]
    on = not (rest and rest[0].lower() == "off")
    reason = " ".join(rest[0 if on else 1 :]).strip() or cmd.options.get("reason", "")
    if len(reason) < 3:
        raise CommandError(
            f'Why? The reason is kept with the record: `ocg sensitive {kind} {ident} "..."`.',
            field="reason",
        )
    model: type[Action] | type[Disruption] = Action if kind == "action" else Disruption
    number = record_number(ident)
    found: Action | Disruption | None = ctx.session.get(model, number) if number else None  # type: ignore[assignment]
    ocg = ctx.session.get(Ocg, found.ocg_id) if found else None
    if found is None or ocg is None or not ctx.can("ocg.read", ocg):
        raise CommandError(f"I can't find {kind} {ident[:20]} among those you can see.")
    ctx.ocg_ref = ocg.ref
    ctx.require("record.sensitive", ocg)
    if isinstance(found, Action) and on:
        refuse_partner_owner(ctx, found)
    table = model.__table__  # type: ignore[union-attr]
    ctx.session.execute(update(table).where(table.c.id == found.id).values(sensitive=on))
    if isinstance(found, Action):
        ctx.session.add(
            ActionChange(
                action_id=found.id or 0,
                at=ctx.utcnow(),
                by_id=ctx.actor.id or 0,
                kind="sensitive" if on else "not sensitive",
                reason=reason,
            )
        )
    state = "sensitive" if on else "no longer sensitive"
    return Reply(
        title=f"{kind.capitalize()} #{found.id} is {state}",
        text="Only the OCG's police roles, the SRO and admins see it now."
        if on
        else "Everyone who may see the OCG's records sees it again.",
        facts=[Fact("OCG", f"{ocg.ref} {ocg.name}"), Fact("Reason", reason)],
        severity=Severity.SUCCESS,
    )


def refuse_partner_owner(ctx: Context, action: Action) -> None:
    """A sensitive action is police work: a partner holding it would see it."""
    owner = ctx.session.get(Person, action.owner_id) if action.owner_id else None
    if is_partner(ctx.session, owner, action.owner_agency, ctx.utcnow()):
        who = f"@{owner.handle}" if owner else action.owner_agency
        raise NotAllowed(
            f"Action #{action.id} is held by {who}, a partner, who would still see it. "
            "Reassign it to a police officer first, then mark it sensitive.",
            field="id",
        )
