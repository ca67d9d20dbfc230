"""``ocg objective``: a SMART objective under one pillar, and how it went.

``objective smith prevent "..." measure="..." by 31/03/2027 [level=primary]`` adds one;
``objective 7 met|partly|missed|dropped "what happened"`` closes it. Both are decisions, so each
lands in the log with its reason (seed 001, "Developing your response": objectives that can be
measured and reviewed).
"""

from __future__ import annotations

from socbot_plugins.plan import decisions
from socbot_plugins.plan.decisions import PLAN_PILLARS
from socbot_plugins.plan.models import OBJECTIVE_STATES, PREVENT_LEVELS, Objective

from socbot import Ocg
from socbot.clock import say_date
from socbot.context import Context
from socbot.dates import parse_due
from socbot.model import Command, CommandError, Fact, Reply, Severity
from socbot.parser import because, record_number

USAGE = (
    'objective <OCG> <pillar> "what" measure="how it is measured" by <date> [level=primary] | '
    'objective <n> met|partly|missed|dropped "what happened"'
)


def objective(ctx: Context, cmd: Command) -> Reply:
    words, rationale = because(cmd)
    if (
        len(words) >= 2
        and record_number(words[0]) is not None
        and words[1].lower() in OBJECTIVE_STATES
    ):
        return _close(ctx, words, rationale)
    if len(words) < 3:
        raise CommandError(f"Usage: `ocg {USAGE}`", field="ocg")
    ocg = ctx.ocg(words[0])
    pillar = words[1].lower()
    if pillar not in PLAN_PILLARS:
        raise CommandError(
            f"{words[1]!r} isn't a pillar: objectives sit under pursue, prevent, protect or "
            "prepare (intelligence requirements: `ocg intel`).",
            field="pillar",
        )
    rest = list(words[2:])
    lowered = [w.lower() for w in rest]
    target = None
    if "by" in lowered:
        at = lowered.index("by")
        when = " ".join(rest[at + 1 :])
        rest = rest[:at]
        target = parse_due(when, ctx.now()).date() if when else None
    what = " ".join(rest).strip()
    measure = cmd.options.get("measure", "").strip()
    if len(what.split()) < 3:
        raise CommandError(
            f"Say what the objective is, in quotes: e.g. `ocg objective {ocg.ref} {pillar} "
            '"close the car wash as a cash front" measure="licence revoked" by 31/03/2027`.',
            field="what",
        )
    if not measure:
        raise CommandError(
            'How will you know it is met? Add measure="..." (SMART: specific, measurable).',
            field="measure",
        )
    if target is None:
        raise CommandError("By when? Add `by <date>`, e.g. `by 31/03/2027`.", field="by")
    level = cmd.options.get("level")
    if level is not None:
        if pillar != "prevent" or level.lower() not in PREVENT_LEVELS:
            raise CommandError(
                "level= is for Prevent objectives: primary, secondary or tertiary.", field="level"
            )
        level = level.lower()
    found = Objective(
        ocg_id=ocg.id or 0,
        pillar=pillar,
        level=level,
        what=what,
        measure=measure,
        target=target,
        created_at=ctx.utcnow(),
        by_id=ctx.actor.id or 0,
    )
    ctx.session.add(found)
    ctx.session.flush()
    decisions.record(
        ctx,
        ocg,
        f"Objective #{found.id}: {what} (measure: {measure}; by {say_date(target)})",
        rationale or "set as an objective of the plan",
        topic="objective",
        pillar=pillar,
    )
    facts = [
        Fact("Pillar", pillar.capitalize() + (f" ({level})" if level else "")),
        Fact("Measure", measure),
        Fact("By", say_date(target)),
    ]
    return Reply(
        title=f"Objective #{found.id} set: {ocg.ref} {ctx.ocg_name(ocg)}",
        text=what,
        facts=facts,
        severity=Severity.SUCCESS,
    )


def _close(ctx: Context, words: tuple[str, ...], rationale: str) -> Reply:
    number = record_number(words[0])
    found = ctx.session.get(Objective, number) if number is not None else None
    ocg = ctx.session.get(Ocg, found.ocg_id) if found else None
    if found is None or ocg is None or not ctx.can("ocg.read", ocg):
        # an OCG the actor may not see is answered as if the objective did not exist
        raise CommandError(f"There is no objective #{words[0]}. `ocg plan <OCG>` lists them.")
    ctx.ocg(ocg.ref)  # the actor must be able to write this OCG's plan
    state = words[1].lower()
    note = " ".join(words[2:]).strip() or rationale
    if state == "open":
        raise CommandError(
            "An objective is opened by setting it; say met, partly, missed or dropped."
        )
    decisions.require_rationale(note, f'ocg objective {number} {state} "what happened"')
    before = found.status
    found.status, found.closed_at = state, ctx.utcnow()
    ctx.session.add(found)
    decisions.record(
        ctx,
        ocg,
        f"Objective #{found.id} {before} → {state}: {found.what}",
        note,
        topic="objective",
        pillar=found.pillar,
    )
    return Reply(
        title=f"Objective #{found.id} {state}: {ocg.ref} {ctx.ocg_name(ocg)}",
        text=found.what,
        facts=[Fact("What happened", note)],
        severity=Severity.SUCCESS,
    )


def at_review(ctx: Context, ocg: Ocg, said: str) -> None:
    """``ocg review ... objectives="4 met; 5 partly: half referred"``: each named objective of
    this OCG moves to that state (an entry in the log, the review's notes as the reason). A
    wrong number or state stops the whole review: nothing is written."""
    for part in filter(None, (p.strip() for p in said.split(";"))):
        head, _, note = part.partition(":")
        words = head.split()
        number = record_number(words[0]) if words else None
        found = ctx.session.get(Objective, number) if number is not None else None
        if found is None or found.ocg_id != ocg.id:
            raise CommandError(
                f"objectives=: {ocg.ref} has no objective #{words[0] if words else part}. "
                f'`ocg plan {ocg.ref}` lists them, e.g. objectives="4 met; 5 partly".',
                field="objectives",
            )
        state = words[1].lower() if len(words) > 1 else ""
        if state not in OBJECTIVE_STATES:
            raise CommandError(
                f"objectives=: say how objective #{number} stands: {', '.join(OBJECTIVE_STATES)}.",
                field="objectives",
            )
        before = found.status
        found.status = state
        found.closed_at = None if state == "open" else ctx.utcnow()
        ctx.session.add(found)
        decisions.record(
            ctx,
            ocg,
            f"Objective #{found.id} at review: {before} → {state}: {found.what}",
            note.strip() or "progress recorded at the review",
            topic="objective",
            pillar=found.pillar,
        )
