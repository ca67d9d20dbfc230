"""``ocg new`` (administrators and SROs) and ``ocg set`` (the LRO for their own plan).

Scores (band, tier, MoRiLE, P-mech) change only through ``ocg review``, so each change carries a
rationale; ``set`` handles people, names and the Clear, Hold, Build phase. The LRO sets the phase
and appoints the SIO and P leads of an OCG they lead (seed 001, "Delegate"); the LRO and SRO
themselves, names, area and status stay with administrators and the SRO. Every change of phase,
status, lead or role is written to the decision log, through an ``OcgChanged`` event, with the
reason given after ``because``. A hand-over ends the old assignment and starts the new one,
keeping both on record.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from socbot_plugins.ocg import no_lro, rules, store

from socbot import Ocg, Person
from socbot.clock import say_date, say_when
from socbot.context import Context
from socbot.dates import parse_due
from socbot.events import NO_REASON, OcgChanged
from socbot.model import Command, CommandError, Fact, NotAllowed, Reply, Severity
from socbot.parser import because

NEW_OPTIONS = {"band", "tier", "pmech", "morile", "area", "partner", "alias", "phase", "lro",
               "sro", "sio", "nolro"}  # fmt: skip
SETTABLE = (*store.OCG_ROLES, *store.LEAD_PILLARS, "delegate", "phase", "area", "name", "partner",
            "alias", "status")  # fmt: skip
STATUSES = ("active", "archived", "closed")
SCORES = ("band", "tier", "morile", "pmech")


# -- ocg new -------------------------------------------------------------------------------------


def new_ocg(ctx: Context, cmd: Command) -> Reply:
    name = " ".join(a for a in cmd.args).strip()
    if not name:
        raise CommandError(
            'Give the OCG a name and its scores, e.g. `ocg new "Canal Street Crew" band=2B '
            "tier=2 lro=@okafor`.",
            field="name",
        )
    unknown = sorted(set(cmd.options) - NEW_OPTIONS)
    if unknown:
        raise CommandError(
            f"I don't know the option {unknown[0]}=. `ocg new` takes: "
            + ", ".join(f"{o}=" for o in sorted(NEW_OPTIONS))
            + ".",
            field=unknown[0],
        )
    for needed in ("band", "tier"):
        if needed not in cmd.options:
            raise CommandError(
                f'A new OCG needs its {needed}: e.g. `ocg new "{name}" band=2B tier=2`.',
                field=needed,
            )
    existing = store.by_name(ctx.session, name) or store.alias_owner(ctx.session, name)
    if existing is not None:
        raise CommandError(
            f"{existing.ref} is already called {name!r}; pick another name, or use "
            f"`ocg set {existing.ref} ...` to change it.",
            field="name",
        )
    opts = cmd.options
    band, tier = rules.check_band(opts["band"]), rules.check_tier(opts["tier"])
    pmech = rules.check_pmech(opts["pmech"]) if opts.get("pmech") else None
    morile = rules.check_morile(opts["morile"]) if opts.get("morile") else None
    phase = rules.check_phase(opts["phase"]) if opts.get("phase") else ""  # not set: no default
    aliases = [a.strip() for a in opts.get("alias", "").split(";") if a.strip()]
    for alias in aliases:
        taken = store.alias_owner(ctx.session, alias)
        if taken:
            raise CommandError(f"{alias!r} already names {taken.ref}.", field="alias")
    roles = {r: ctx.person(opts[r]) for r in store.OCG_ROLES if opts.get(r)}
    reason = _no_lro_reason(ctx, name, roles, opts.get("nolro", "").strip())
    now = ctx.utcnow()
    for role, person in roles.items():
        store.check_holder(ctx.session, person, role, now)
    ocg = store.new_ocg(
        ctx.session,
        ref=store.next_ref(ctx.session),
        name=name,
        band=band,
        tier=tier,
        created=now,
        today=ctx.today(),
    )
    ocg.pmech, ocg.morile, ocg.phase = pmech, morile, phase
    ocg.morile_date = ctx.today() if morile is not None else None
    ocg.area = opts.get("area") or None
    ocg.partner_name = opts.get("partner") or None
    ctx.session.add(ocg)
    store.add_aliases(ctx.session, ocg, aliases)
    for role, person in roles.items():
        store.hand_over(ctx.session, ocg=ocg, role=role, to=person, now=now, by_id=ctx.actor.id)
    ctx.ocg_ref = ocg.ref
    if reason:
        ctx.session.flush()
        ctx.emit(no_lro.event(ocg, reason))
    facts = [
        Fact("Band", f"{band}: {rules.band_meaning(band)}"),
        Fact("Tier", rules.tier_meaning(tier)),
        Fact("First review due", say_date(ocg.next_review_due)),
    ]
    facts += [Fact(r.upper(), f"{p.name} (@{p.handle})") for r, p in roles.items()]
    if "lro" not in roles:
        facts.append(
            Fact(
                "LRO",
                f"none, because {reason} (in the decision log); `ocg set {ocg.ref} lro @handle` "
                "when one is named",
                Severity.WARNING,
            )
        )
    facts.append(
        Fact("Phase", rules.PHASE_WORDS[phase])
        if phase
        else Fact("Phase", f'not set — `ocg set {ocg.ref} phase clear because "..."`')
    )
    return Reply(title=f"Added {ocg.ref} {ocg.name}", facts=facts, severity=Severity.SUCCESS)


def _no_lro_reason(ctx: Context, name: str, roles: dict[str, Person], reason: str) -> str:
    """Every OCG needs an LRO; only the SRO may add one without, and must say why."""
    if "lro" in roles:
        if reason:
            raise CommandError(
                "nolro= is for an OCG with no LRO; this one names one.", field="nolro"
            )
        return ""
    if not reason:
        raise CommandError(
            f'Every OCG needs an LRO to own its plan: add lro=@handle, e.g. `ocg new "{name}" '
            "band=2B tier=2 lro=@okafor`. If the SRO has decided it has none for now, the SRO "
            'adds it with the reason: nolro="..."',
            field="lro",
        )
    if "sro" not in (ctx.actor.force_roles or ()):
        raise NotAllowed(
            "Only the SRO can add an OCG with no LRO (the decision and its reason are theirs): "
            "name an LRO with lro=@handle, or ask the SRO.",
            field="nolro",
        )
    if not no_lro.enough(reason):
        raise CommandError(
            f"Say why it has no LRO in a few words ({no_lro.MIN_WORDS} or more), e.g. "
            'nolro="awaiting allocation at the March tasking meeting".',
            field="nolro",
        )
    return reason


# -- ocg set -------------------------------------------------------------------------------------

# Who may set what. The LRO runs their own plan (seed 001, "Delegate"): the phase (plan.write),
# the SIO and the P leads (plan.team). Names, status, area and the LRO and SRO themselves stay
# with administrators and the SRO (ocg.admin).
NEEDS = {"phase": "plan.write"} | {k: "plan.team" for k in ("sio", *store.LEAD_PILLARS)}
LOGGED = ("phase", "status", *store.OCG_ROLES, *store.LEAD_PILLARS, "delegate")


def set_ocg(ctx: Context, cmd: Command) -> Reply:
    words, rationale = because(cmd)
    if not words:
        raise CommandError(
            'Which OCG, and what to set? e.g. `ocg set smith phase hold because "the principals '
            'are remanded"`, `ocg set smith prevent @patel`, `ocg set smith lro @brennan`.',
            field="ocg",
        )
    ocg = ctx.ocg(words[0])
    pairs = [(k.lower(), v) for k, v in cmd.options.items() if k.lower() != "because"]
    if len(words) > 1:
        pairs.insert(0, (words[1].lower(), " ".join(words[2:])))
    if not pairs:
        raise CommandError(f"What should I set on {ocg.ref}? You can set: {', '.join(SETTABLE)}.")
    for key, _ in pairs:
        if key in SCORES:
            raise CommandError(
                f"{key} changes go through a review so the reason is kept: "
                f'`ocg review {ocg.ref} {key}=... "why"`.',
                field=key,
            )
        if key not in SETTABLE:
            raise CommandError(
                f"I can't set {key!r}. You can set: {', '.join(SETTABLE)}.", field="what"
            )
        _allowed(ctx, ocg, key)
    # Check everything first, then write: a bad second setting must not leave the first done.
    changes = [_prepare(ctx, ocg, key, value.strip(), rationale) for key, value in pairs]
    facts = [fact for apply in changes for fact in apply()]
    ctx.session.add(ocg)
    if not facts:
        return Reply(title=f"{ocg.ref} {ocg.name}", text="Nothing changed: it was already so.")
    logged = any(key in LOGGED for key, _ in pairs)
    if logged:
        facts.append(Fact("Because", rationale or NO_REASON))
    return Reply(
        title=f"Updated {ocg.ref} {ocg.name}",
        facts=facts,
        severity=Severity.SUCCESS,
        context=_reason_hint(ocg) if logged and not rationale else None,
    )


def _allowed(ctx: Context, ocg: Ocg, key: str) -> None:
    """The LRO sets the plan's own things; the rest stays with administrators and the SRO."""
    needed = NEEDS.get(key, "ocg.admin")
    if ctx.can(needed, ocg):
        return
    order = [*NEEDS, *(k for k in SETTABLE if k not in NEEDS)]
    mine = [k for k in order if ctx.can(NEEDS.get(k, "ocg.admin"), ocg)]
    raise NotAllowed(
        f"Setting {key} on {ocg.ref} is for {ctx.access.who(needed)} (`{needed}`): ask the "
        f"SRO. You can set: {', '.join(mine)}.",
        field="what",
    )


def _reason_hint(ocg: Ocg) -> str:
    return (
        f'Logged with "{NO_REASON}". Next time add `because "..."`; to add the reason now, '
        f"`ocg decisions {ocg.ref}` gives the entry's number and "
        f'`ocg decide {ocg.ref} "..." because "..." corrects=<number>` records it.'
    )


def _prepare(
    ctx: Context, ocg: Ocg, key: str, value: str, rationale: str = ""
) -> Callable[[], list[Fact]]:
    """Check one ``key value`` and return the function that applies it."""
    if not value:
        raise CommandError(f"`{key}` needs a value, e.g. `ocg set {ocg.ref} {key} {_EG[key]}`.")
    now = ctx.utcnow()
    if key in store.OCG_ROLES or key in store.LEAD_PILLARS:
        role, pillar = (key, None) if key in store.OCG_ROLES else ("plead", key)
        person = None if value.lower() == "none" else ctx.person(value)
        if person is not None:
            store.check_holder(ctx.session, person, role, now)
        return lambda: _hand_over(ctx, ocg, role, pillar, person, now, rationale)
    if key == "delegate":
        return _prepare_delegate(ctx, ocg, value, now, rationale)
    if key == "phase":
        phase = rules.check_phase(value)
        return lambda: _logged(ctx, ocg, "phase", "Phase", phase, rationale)
    if key == "status":
        if value.lower() not in STATUSES:
            raise CommandError(f"Status is one of {', '.join(STATUSES)}.", field="status")
        return lambda: _logged(ctx, ocg, "status", "Status", value.lower(), rationale)
    if key == "area":
        return lambda: _assign(ocg, "area", "Area", value)
    if key == "partner":
        return lambda: _assign(ocg, "partner_name", "Partner-safe name", value)
    if key == "name":
        taken = store.by_name(ctx.session, value) or store.alias_owner(ctx.session, value)
        if taken is not None and taken.id != ocg.id:
            raise CommandError(f"{value!r} already names {taken.ref}.", field="name")
        return lambda: _rename(ocg, value)
    aliases = [a.strip() for a in value.split(";") if a.strip()]
    for alias in aliases:
        taken = store.alias_owner(ctx.session, alias)
        if taken is not None and taken.id != ocg.id:
            raise CommandError(f"{alias!r} already names {taken.ref}.", field="alias")

    def add() -> list[Fact]:
        added = store.add_aliases(ctx.session, ocg, aliases)
        return [Fact("Aliases added", ", ".join(added))] if added else []

    return add


_EG = {k: "@handle" for k in (*store.OCG_ROLES, *store.LEAD_PILLARS)} | {
    "delegate": "@handle until 31/03/2027",
    "phase": "hold",
    "area": "Portsmouth",
    "name": '"New name"',
    "partner": '"Group K"',
    "alias": '"The Crew"',
    "status": "archived",
}


def _logged(
    ctx: Context, ocg: Ocg, attr: str, label: str, value: str, rationale: str
) -> list[Fact]:
    """Set a field the decision log keeps (phase, status), and tell the log why."""
    before = getattr(ocg, attr) or None
    facts = _assign(ocg, attr, label, value)
    if facts:
        ctx.emit(OcgChanged(ocg, attr, before, value, rationale))
    return facts


def _assign(ocg: Ocg, attr: str, label: str, value: Any) -> list[Fact]:
    before = getattr(ocg, attr)
    if before == value:
        return []
    setattr(ocg, attr, value)
    return [Fact(label, f"{before or 'none'} → {value}")]


def _rename(ocg: Ocg, name: str) -> list[Fact]:
    from socbot.lookup import key

    facts = _assign(ocg, "name", "Name", name)
    ocg.name_key = key(name)
    return facts


def _hand_over(
    ctx: Context,
    ocg: Ocg,
    role: str,
    pillar: str | None,
    to: Person | None,
    now: datetime,
    rationale: str = "",
) -> list[Fact]:
    ended, changed = store.hand_over(
        ctx.session, ocg=ocg, role=role, to=to, now=now, pillar=pillar, by_id=ctx.actor.id
    )
    if not changed:
        return []
    label = f"{pillar.capitalize()} lead" if pillar else role.upper()
    before = ", ".join(f"@{p.handle}" for p in ended) or "none"
    after = f"@{to.handle}" if to else "none"
    if pillar:
        ctx.emit(OcgChanged(ocg, "lead", before, after, rationale, pillar=pillar))
    else:
        ctx.emit(OcgChanged(ocg, "role", before, after, rationale, detail=role.upper()))
    kept = " (hand-over: both assignments kept on record)" if ended and to else ""
    return [Fact(label, f"{before} → {after}{kept}")]


def _prepare_delegate(
    ctx: Context, ocg: Ocg, value: str, now: datetime, rationale: str = ""
) -> Callable[[], list[Fact]]:
    """``@handle until <date>``: an acting LRO, who may record reviews until that date."""
    who, sep, when = value.partition(" until ")
    if not sep:
        raise CommandError(
            f"Say until when, e.g. `ocg set {ocg.ref} delegate @nguyen until 31/03/2027`.",
            field="until",
        )
    person = ctx.person(who.strip())
    store.check_holder(ctx.session, person, "lro", now)
    if person.id in {p.id for p in store.current_holders(ctx.session, ocg, "lro", now)}:
        raise CommandError(f"@{person.handle} is already the LRO of {ocg.ref}.", field="person")
    until = parse_due(when, ctx.now())

    def apply() -> list[Fact]:
        from socbot import people

        people.grant(
            ctx.session, person=person, role="lro", ocg=ocg, now=now, until=until,
            by_id=ctx.actor.id,
        )  # fmt: skip
        acting = f"@{person.handle} until {say_when(until)}"
        ctx.emit(OcgChanged(ocg, "role", None, acting, rationale, detail="Acting LRO"))
        return [Fact("Acting LRO", acting)]

    return apply
