"""``ocg plan <OCG>``: show the plan, or set one part of it in one line.

``plan smith aim "..."``, ``plan smith hold "..."``, ``plan smith build "..."`` (the Clear, Hold,
Build intentions, seed 001) and ``plan smith target "..." [category=business]``. Replacing what
was there needs a reason; each change is an entry in the decision log.
"""

from __future__ import annotations

from socbot_plugins.plan import decisions, view
from socbot_plugins.plan.models import Plan, Target
from socbot_plugins.plan.show import plan_reply
from socbot_plugins.tactics.catalogue import CATEGORIES as TACTIC_CATEGORIES
from socbot_plugins.tactics.models import ProfileFact
from sqlmodel import col, select

from socbot import Ocg
from socbot.context import Context
from socbot.model import Command, CommandError, Fact, Reply, Severity
from socbot.parser import because, record_number

PARTS = ("aim", "hold", "build")
# the menu of tactics' categories that describe the OCG itself (not the 4P ones)
CATEGORIES = tuple(
    c for c in TACTIC_CATEGORIES if c not in ("protect", "prepare") and not c.startswith("prevent")
)
USAGE = (
    'plan <OCG> [aim|hold|build "..." [because "..."] | target "..." [category=business] | '
    'target fact="words of a profile fact" | target drop <n>]'
)


def plan(ctx: Context, cmd: Command) -> Reply:
    words, rationale = because(cmd)
    if not words:
        raise CommandError(f"Which OCG? e.g. `ocg plan smith`. Usage: `ocg {USAGE}`", field="ocg")
    if len(words) == 1:
        ocg = ctx.ocg(words[0], "ocg.read")
        return plan_reply(ctx, view.load(ctx.session, ctx.actor, ocg, ctx.now()))
    ocg = ctx.ocg(words[0], "plan.write")
    part, text = words[1].lower(), " ".join(words[2:]).strip()
    if part in PARTS:
        return _set_part(ctx, ocg, part, text, rationale)
    if part == "target":
        fact = _profile_fact(ctx, ocg, cmd.options.get("fact"))
        category: str | None = cmd.options.get("category")
        if fact is not None:
            text, category = text or fact.fact, fact.category
        return _target(ctx, ocg, text, category, rationale, fact.id if fact else None)
    raise CommandError(
        f"I can set a plan's aim, hold, build or target, not {part!r}. Usage: `ocg {USAGE}`",
        field="part",
    )


def get_plan(ctx: Context, ocg: Ocg) -> Plan:
    found = ctx.session.get(Plan, ocg.id)
    if found is None:
        found = Plan(ocg_id=ocg.id or 0, updated_at=ctx.utcnow(), updated_by_id=ctx.actor.id or 0)
    return found


def _set_part(ctx: Context, ocg: Ocg, part: str, text: str, rationale: str) -> Reply:
    if len(text.split()) < 3:
        raise CommandError(
            f'Write the {part} in a sentence, in quotes: e.g. `ocg plan {ocg.ref} {part} "'
            f'{_EXAMPLES[part]}"`.',
            field=part,
        )
    found = get_plan(ctx, ocg)
    before = getattr(found, part)
    if before == text:
        return Reply(title=f"{ocg.ref} {ctx.ocg_name(ocg)}", text=f"The {part} was already so.")
    if before:
        decisions.require_rationale(
            rationale, f'ocg plan {ocg.ref} {part} "..." because "what changed"'
        )
    setattr(found, part, text)
    found.updated_at, found.updated_by_id = ctx.utcnow(), ctx.actor.id or 0
    ctx.session.add(found)
    entry = decisions.record(
        ctx, ocg, text, rationale or "first recorded", topic=part if part != "aim" else "aim"
    )
    facts = [Fact("Before", before)] if before else []
    facts.append(Fact("Decision log", f"#{entry.id}"))
    label = {"aim": "Aim", "hold": "Hold intention", "build": "Build intention"}[part]
    return Reply(
        title=f"{label} recorded: {ocg.ref} {ctx.ocg_name(ocg)}",
        text=text,
        facts=facts,
        severity=Severity.SUCCESS,
    )


_EXAMPLES = {
    "aim": "dismantle the Smiths' supply into Fratton and stop them recruiting children",
    "hold": "keep the car wash under licensing checks once the principals are charged",
    "build": "youth services and housing take over the estate work with the council",
}


def _profile_fact(ctx: Context, ocg: Ocg, wanted: str | None) -> ProfileFact | None:
    """``fact="car wash"``: the one fact of this OCG's profile (``ocg profile``) whose words
    these are, that the target attacks."""
    if wanted is None:
        return None
    facts = ctx.session.exec(select(ProfileFact).where(ProfileFact.ocg_id == ocg.id)).all()
    found = [f for f in facts if wanted.lower() in f.fact.lower()]
    if len(found) == 1:
        return found[0]
    if found:
        listed = "; ".join(f'"{f.fact}"' for f in found[:5])
        raise CommandError(
            f"fact={wanted!r} matches {len(found)} facts: {listed}. Say more.", field="fact"
        )
    raise CommandError(
        f"{ocg.ref}'s profile has no fact with {wanted!r} in it. `ocg profile {ocg.ref}` "
        "lists them.",
        field="fact",
    )


def _target(
    ctx: Context,
    ocg: Ocg,
    text: str,
    category: str | None,
    rationale: str,
    fact_id: int | None = None,
) -> Reply:
    """A business-model target, or ``target drop <n>``."""
    if text.lower().startswith("drop "):
        number = record_number(text[5:])
        found = ctx.session.get(Target, number) if number is not None else None
        if found is None or found.ocg_id != ocg.id or not found.active:
            raise CommandError(f"{ocg.ref} has no target #{text[5:].strip()}.", field="target")
        decisions.require_rationale(
            rationale, f'ocg plan {ocg.ref} target drop {number} because "..."'
        )
        found.active = False
        ctx.session.add(found)
        decisions.record(ctx, ocg, f"Dropped target: {found.text}", rationale, topic="target")
        return Reply(title=f"Target #{number} dropped", text=found.text, severity=Severity.SUCCESS)
    if len(text.split()) < 2:
        raise CommandError(
            f'Which part of the business model? e.g. `ocg plan {ocg.ref} target "the car wash '
            'on Fratton Road" category=business`.',
            field="target",
        )
    if category is not None and category.lower() not in CATEGORIES:
        raise CommandError(f"category= is one of {', '.join(CATEGORIES)}.", field="category")
    target = Target(
        ocg_id=ocg.id or 0,
        category=category.lower() if category else None,
        text=text,
        profile_fact_id=fact_id,
        created_at=ctx.utcnow(),
        by_id=ctx.actor.id or 0,
    )
    ctx.session.add(target)
    ctx.session.flush()
    decisions.record(ctx, ocg, f"Target: {text}", rationale or "added to the plan", topic="target")
    count = len(
        ctx.session.exec(
            select(Target.id).where(Target.ocg_id == ocg.id, col(Target.active).is_(True))
        ).all()
    )
    return Reply(
        title=f"Target #{target.id} added: {ocg.ref} {ctx.ocg_name(ocg)}",
        text=text,
        facts=[Fact("Targets on the plan", str(count))],
        severity=Severity.SUCCESS,
    )
