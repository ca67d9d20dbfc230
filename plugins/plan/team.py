"""The LRO sets up their own command structure (seed 001, "Delegate" and "Gold, Silver, Bronze").

``lead smith prevent @patel`` names a P lead (Bronze); ``team smith sio|analyst|partner @handle
[off]`` gives or ends a role on this OCG; ``handover smith @brennan "note"`` hands the OCG to
another LRO, who is told, with the SRO copied. Each is a decision in the log. LRO, SRO and
force-wide roles stay with administrators and the SRO (``ocg set``, ``grant``).
"""

from __future__ import annotations

from socbot_plugins.ocg import store
from socbot_plugins.plan import decisions
from socbot_plugins.plan.decisions import PLAN_PILLARS
from sqlmodel import select

from socbot import Assignment, Ocg, Person
from socbot.access import load_actor
from socbot.context import Context
from socbot.model import Command, CommandError, Fact, Reply, Severity
from socbot.parser import because
from socbot.people import grant, held_at, revoke

TEAM_ROLES = ("sio", "analyst", "partner")
LEAD_PILLARS = (*PLAN_PILLARS, "intel")
LEAD_USAGE = 'lead <OCG> pursue|prevent|protect|prepare|intel @handle|none [because "..."]'
TEAM_USAGE = 'team <OCG> [sio|analyst|partner @handle [off]] [because "..."]'
HANDOVER_USAGE = 'handover <OCG> @new-lro "note for them"'


def lead(ctx: Context, cmd: Command) -> Reply:
    words, rationale = because(cmd)
    if len(words) < 3:
        raise CommandError(f"Usage: `ocg {LEAD_USAGE}`", field="ocg")
    ocg = ctx.ocg(words[0])
    pillar = words[1].lower()
    if pillar not in LEAD_PILLARS:
        raise CommandError(
            f"{words[1]!r} isn't a pillar: {', '.join(LEAD_PILLARS)}.", field="pillar"
        )
    to = None if words[2].lower() == "none" else ctx.person(words[2])
    now = ctx.utcnow()
    ended, changed = store.hand_over(
        ctx.session, ocg=ocg, role="plead", to=to, now=now, pillar=pillar, by_id=ctx.actor.id
    )
    if not changed:
        return Reply(
            title=f"{ocg.ref} {ctx.ocg_name(ocg)}", text="Nothing changed: it was already so."
        )
    before = ", ".join(f"@{p.handle}" for p in ended) or "none"
    after = f"@{to.handle}" if to else "none"
    entry = decisions.record(
        ctx,
        ocg,
        f"{pillar.capitalize()} lead: {before} → {after}",
        rationale or "no reason given",
        topic="lead",
        pillar=pillar,
    )
    facts = [
        Fact(f"{pillar.capitalize()} lead", f"{before} → {after}"),
        Fact("Decision log", f"#{entry.id}"),
    ]
    if to is not None and load_actor(ctx.session, to, now).partner:
        facts.append(Fact("Partner", "a partner leads this pillar but sees only the partner view"))
    return Reply(
        title=f"Lead set: {ocg.ref} {ctx.ocg_name(ocg)}", facts=facts, severity=Severity.SUCCESS
    )


def team(ctx: Context, cmd: Command) -> Reply:
    words, rationale = because(cmd)
    if not words:
        raise CommandError(f"Usage: `ocg {TEAM_USAGE}`", field="ocg")
    if len(words) == 1:
        ocg = ctx.ocg(words[0], "ocg.read")
        return _show_team(ctx, ocg)
    ocg = ctx.ocg(words[0])
    role = words[1].lower()
    if role not in TEAM_ROLES or len(words) < 3:
        raise CommandError(
            f"On an OCG you lead you can give the roles {', '.join(TEAM_ROLES)} "
            "(P leads: `ocg lead`; the LRO: `ocg handover`). "
            f"Usage: `ocg {TEAM_USAGE}`",
            field="role",
        )
    person = ctx.person(words[2])
    ending = len(words) > 3 and words[3].lower() in ("off", "end", "remove")
    now = ctx.utcnow()
    if ending:
        revoke(ctx.session, person=person, role=role, ocg=ocg, now=now)
        change = f"@{person.handle} no longer {role}"
    else:
        _check_fits(ctx, person, role)
        grant(ctx.session, person=person, role=role, ocg=ocg, now=now, by_id=ctx.actor.id)
        change = f"@{person.handle} is {role}"
    entry = decisions.record(
        ctx, ocg, f"Team: {change}", rationale or "no reason given", topic="role"
    )
    return Reply(
        title=f"Team changed: {ocg.ref} {ctx.ocg_name(ocg)}",
        text=change,
        facts=[Fact("Decision log", f"#{entry.id}")],
        severity=Severity.SUCCESS,
    )


def _check_fits(ctx: Context, person: Person, role: str) -> None:
    police = person.agency.lower() == "police"
    if role == "partner" and police:
        raise CommandError(
            f"@{person.handle} is a police officer: the partner role is for officers of "
            "partner agencies, and would cap them to the partner view.",
            field="person",
        )
    if role != "partner" and not police:
        raise CommandError(
            f"@{person.handle} works for {person.agency}: give them the partner role, or a "
            "pillar with `ocg lead`.",
            field="person",
        )


def _show_team(ctx: Context, ocg: Ocg) -> Reply:
    rows = ctx.session.exec(
        select(Assignment.role, Assignment.pillar, Person.name, Person.handle)
        .join(Person, Person.id == Assignment.person_id)  # type: ignore[arg-type]
        .where(Assignment.ocg_id == ocg.id, held_at(ctx.utcnow()))
        .order_by(Assignment.role, Assignment.pillar)  # type: ignore[arg-type]
    ).all()
    facts = [
        Fact(
            f"{pillar} lead".capitalize() if role == "plead" else role.upper(),
            f"{name} (@{handle})",
        )
        for role, pillar, name, handle in rows
    ]
    return Reply(
        title=f"Team: {ocg.ref} {ctx.ocg_name(ocg)}",
        facts=facts or [Fact("Team", "nobody holds a role on this OCG")],
        context=f"`ocg {TEAM_USAGE}`",
    )


def handover(ctx: Context, cmd: Command) -> Reply:
    words, _ = because(cmd)
    if len(words) < 2:
        raise CommandError(f"Usage: `ocg {HANDOVER_USAGE}`", field="ocg")
    ocg = ctx.ocg(words[0])
    to = ctx.person(words[1])
    note = " ".join(words[2:]).strip()
    decisions.require_rationale(
        note, f'ocg handover {ocg.ref} @{to.handle} "what they need to know"'
    )
    now = ctx.utcnow()
    ended, changed = store.hand_over(
        ctx.session, ocg=ocg, role="lro", to=to, now=now, by_id=ctx.actor.id
    )
    if not changed:
        raise CommandError(f"@{to.handle} is already the LRO of {ocg.ref}.", field="person")
    before = ", ".join(f"@{p.handle}" for p in ended) or "none"
    entry = decisions.record(ctx, ocg, f"LRO: {before} → @{to.handle}", note, topic="handover")
    told = _tell(ctx, ocg, to, before, note, entry.id or 0)
    return Reply(
        title=f"Handed over: {ocg.ref} {ctx.ocg_name(ocg)}",
        facts=[
            Fact("LRO", f"{before} → @{to.handle} (both kept on record)"),
            Fact("Note", note),
            Fact("Told", told),
        ],
        severity=Severity.SUCCESS,
    )


def _tell(ctx: Context, ocg: Ocg, to: Person, before: str, note: str, entry: int) -> str:
    """The new LRO is told; the OCG's SRO (else the force's SROs) copied, through the outbox."""
    sros = store.current_holders(ctx.session, ocg, "sro", ctx.utcnow()) or list(
        ctx.session.exec(
            select(Person)
            .join(Assignment, Assignment.person_id == Person.id)  # type: ignore[arg-type]
            .where(Assignment.role == "sro", Assignment.ocg_id.is_(None), held_at(ctx.utcnow()))  # type: ignore[union-attr]
        ).all()
    )
    body = Reply(
        title=f"You now lead {ocg.ref} {ocg.name}",
        text=f"Handed over by @{ctx.actor.handle} (was {before}): {note}",
        context=f"`ocg plan {ocg.ref}` shows the plan; `ocg decisions {ocg.ref}` its log.",
    )
    ctx.notify(
        key=f"handover:{entry}:{to.id}", kind="handover", reply=body, person_id=to.id, ocg_id=ocg.id
    )
    copy = Reply(
        title=f"{ocg.ref} {ocg.name} has a new LRO: @{to.handle}",
        text=f"Handed over by @{ctx.actor.handle} (was {before}): {note}",
    )
    for sro in sros:
        if sro.id != ctx.actor.id:
            ctx.notify(
                key=f"handover:{entry}:{sro.id}",
                kind="handover",
                reply=copy,
                person_id=sro.id,
                ocg_id=ocg.id,
            )
    return ", ".join(
        [f"@{to.handle}"] + [f"@{s.handle} (copy)" for s in sros if s.id != ctx.actor.id]
    )
