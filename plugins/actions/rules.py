"""Who may see and who may change an action, and which OCGs an action opens to its holder.

Partners see their own and their agency's actions only; police follow OCG access. Changing one
needs ``action.update`` on its OCG (the permission) and then a reason of its own: the owner, the
OCG's LRO or SRO, the lead of its pillar, or a coordinator of the owning agency. A partner or
coordinator reaches the OCGs where they or their agency hold an action (``reached_ocgs``, this
plugin's ``ocg_reach``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from socbot_plugins.actions.models import Action
from socbot_plugins.actions.store import (
    Owner,
    action_id,
    agency_of,
    chat_reachable,
    coordinators,
    lro_handles,
    owner_of,
)
from sqlalchemy import func, or_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from socbot import CommandError, Fact, NotAllowed, Ocg, Person, Severity
from socbot.access import Access, Actor, load_actor, sanitised, sees_sensitive
from socbot.clock import local, say_date
from socbot.context import Context


def find(ctx: Context, text: str | None) -> tuple[Action, Ocg, Owner]:
    """The action the actor may see, or the same polite error as for one that doesn't exist."""
    ident = action_id(text)
    action = ctx.session.get(Action, ident)
    ocg = ctx.session.get(Ocg, action.ocg_id) if action else None
    if action is None or ocg is None:
        raise CommandError(_missing(ident), field="id")
    owner = owner_of(ctx.session, action)
    if not may_see(ctx, action, ocg, owner):
        raise CommandError(_missing(ident), field="id")
    ctx.ocg_ref = ocg.ref
    return action, ocg, owner


def _missing(ident: int) -> str:
    return f"I can't find action {ident} among those you can see. `ocg actions mine` lists yours."


def _same_agency(actor: Actor, agency: str | None) -> bool:
    return bool(agency) and actor.agency.lower() == str(agency).lower()


def may_see(ctx: Context, action: Action, ocg: Ocg, owner: Owner) -> bool:
    """Partners see their own and their agency's actions only; police follow OCG access (and
    share the agency "Police", which therefore opens nothing)."""
    if action.sensitive and not sees_sensitive(ctx.actor, ocg.id or 0):
        return False
    if ctx.sanitised:
        mine = action.owner_id == ctx.actor.id
        return mine or _same_agency(ctx.actor, agency_of(action, owner.person))
    return ctx.can("ocg.read", ocg)


def change_reason(actor: Actor, action: Action, ocg: Ocg, owner: Owner) -> str | None:
    """Why the actor may change this action (None: they may not).

    The owner, the OCG's LRO or SRO, the lead of the action's pillar (the SIO leads Pursue), or
    a coordinator of the owning agency: for a partner agency, anywhere; for the police, on
    the OCGs of their area (or all, with no area) and those they hold a role on.
    """
    on_ocg = actor.granting(actor.ocg_roles.get(ocg.id or 0))  # a partner: nothing but partner
    if action.owner_id is not None and action.owner_id == actor.id:
        return "owner"
    if "lro" in on_ocg:
        return "LRO"
    if "sro" in on_ocg or "sro" in actor.granting(actor.force_roles):
        return "SRO"
    if "plead" in on_ocg and action.pillar in actor.pillars.get(ocg.id or 0, set()):
        return f"{action.pillar} lead"
    if "sio" in on_ocg and action.pillar == "pursue":
        return "SIO"
    if "coordinator" in actor.roles and _same_agency(actor, agency_of(action, owner.person)):
        reach = actor.partner or actor.area is None or ocg.area == actor.area or bool(on_ocg)
        return "agency coordinator" if reach else None
    return None


def require_change(ctx: Context, action: Action, ocg: Ocg, owner: Owner) -> None:
    """The matrix (``action.update`` on the OCG) first, then the finer rules above."""
    if ctx.can("action.update", ocg) and change_reason(ctx.actor, action, ocg, owner):
        return
    agency = agency_of(action, owner.person)
    lro = lro_handles(ctx.session, [ocg.id or 0], ctx.utcnow()).get(ocg.id or 0, [])
    ask = f" Ask @{lro[0]} (the LRO) if it needs changing." if lro else ""
    raise NotAllowed(
        f"Only the owner ({owner.label}), the OCG's LRO or SRO, the {action.pillar} lead or "
        f"the {agency or 'owning agency'} coordinator can change action {action.id}.{ask}"
    )


def reach_warning(ctx: Context, owner: Owner, ocg: Ocg) -> str | None:
    """Why the owner could not see or close the action, if so. Partners and coordinators reach
    an OCG through the action itself; other police need a role on it."""
    person = owner.person
    if person is None:
        return None
    actor = load_actor(ctx.session, person, ctx.utcnow())
    if actor.partner or "coordinator" in actor.roles:
        return None
    if ctx.access.can(ctx.session, actor, "action.update", ocg):
        return None
    return (
        f"@{person.handle} has no role on {ocg.ref}: they will be reminded but can't see or "
        "close the action in socbot until its LRO gives them one."
    )


def require_open(ctx: Context, action: Action) -> None:
    if action.status != "open":
        raise CommandError(_closed(ctx, action), field="id")


def _closed(ctx: Context, action: Action) -> str:
    by = ctx.session.get(Person, action.completed_by_id) if action.completed_by_id else None
    who = f" by @{by.handle}" if by else ""
    when = f" on {say_date(local(action.completed_at))}" if action.completed_at else ""
    return f"Action {action.id} was already closed ({action.status}){who}{when}: nothing changed."


def claim(ctx: Context, action: Action, *, unchanged: Sequence[str] = (), **values: Any) -> None:
    """Write ``values`` to the action only if it is still open (and the ``unchanged`` columns
    still hold what was read): one conditional UPDATE, so of two people closing, snoozing or
    taking the same action at once exactly one wins and the other is told who did.

    The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) and is re-checked
    after any competing transaction commits."""
    table = Action.__table__  # type: ignore[attr-defined]
    where = [table.c.id == action.id, table.c.status == "open"]
    where += [table.c[name] == getattr(action, name) for name in unchanged]
    done = ctx.session.execute(update(table).where(*where).values(**values))
    if done.rowcount == 1:  # type: ignore[attr-defined]
        for name, value in values.items():
            set_committed_value(action, name, value)
        return
    ctx.session.refresh(action)
    if action.status != "open":
        raise CommandError(_closed(ctx, action), field="id")
    owner = owner_of(ctx.session, action)
    raise CommandError(
        f"Action {action.id} was changed by someone else just now (it is {owner.label}'s, due "
        f"{say_date(local(action.due_at))}): nothing changed. Check it and try again.",
        field="id",
    )


def owner_facts(ctx: Context, owner: Owner, ocg: Ocg) -> list[Fact]:
    """What the person giving an action should know about who will (or won't) be chased."""
    unreachable = reach_warning(ctx, owner, ocg)
    if unreachable:
        return [Fact("Warning", unreachable, Severity.WARNING)]
    agency = owner.person.agency if owner.person else owner.agency
    if owner.person is not None:
        reach = chat_reachable(ctx.session, [owner.person.id or 0])
        if reach is None or owner.person.id in reach:
            return []  # the usual case: no need to look for who would chase instead
    found = coordinators(ctx.session, [agency or ""], ctx.utcnow()).get((agency or "").lower(), [])
    if owner.person is not None:
        via = f"@{found[0].handle}" if found else "nobody (no coordinator)"
        return [Fact("Reminders", f"no chat identity yet: chased through {via}", Severity.WARNING)]
    if found:
        names = ", ".join(f"@{p.handle}" for p in found)
        return [Fact("Held by", f"{names} (coordinator) until someone there takes it")]
    return [
        Fact(
            "Warning",
            f"{agency} has no coordinator in socbot, so nobody is reminded until someone there "
            f"takes it (`ocg take`).",
            Severity.WARNING,
        )
    ]


def held_by(actor: Actor) -> Any:
    """SQL for the actions held by the actor or assigned to their agency; for partners, also
    those held by a colleague of the same agency (the agency is the partner). Police colleagues
    do not count: everyone in the force shares the agency "Police"."""
    agency = func.lower(actor.agency)
    mine = [col(Action.owner_id) == actor.id, func.lower(Action.owner_agency) == agency]
    if sanitised(actor):
        colleagues = select(Person.id).where(func.lower(Person.agency) == agency)
        mine.append(col(Action.owner_id).in_(colleagues))
    return or_(*mine)


def reached_ocgs(session: Session, actor: Actor) -> list[int]:
    """The OCGs where the actor, their agency (or, for partners, an agency colleague) holds an
    action: partners and coordinators reach these without a role on them."""
    return list(session.exec(select(Action.ocg_id).where(held_by(actor)).distinct()).all())


def sees_action(session: Session, actor: Actor, action: Action) -> bool:
    """Whether the actor may see this action in detail (on an OCG they can already see).

    Police see every action; a partner sees only their own, their agency's and their agency
    colleagues', and counts of the rest.
    """
    if action.sensitive and not sees_sensitive(actor, action.ocg_id):
        return False
    if not sanitised(actor) or action.owner_id == actor.id:
        return True
    agency = actor.agency.lower()
    if (action.owner_agency or "").lower() == agency:
        return True
    owner = session.get(Person, action.owner_id) if action.owner_id else None
    return owner is not None and owner.agency.lower() == agency


def may_update_action(
    access: Access, session: Session, actor: Actor, action: Action, ocg: Ocg
) -> bool:
    """``action.update`` on the OCG, and for partners only on an action that is theirs."""
    return access.can(session, actor, "action.update", ocg) and sees_action(session, actor, action)
