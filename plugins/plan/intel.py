"""``ocg intel``: intelligence requirements, kept apart from the 4Ps' actions (seed 001,
"Developing your response").

``intel smith "who supplies the cash?" @khan [collection="..."]`` raises one for an analyst;
``intel 3 response "..."`` records what came back; ``intel 3 close "..."`` closes it. Police only:
partners never see requirements, and the owner must be police.
"""

from __future__ import annotations

from socbot_plugins.plan import decisions
from socbot_plugins.plan.models import IntelRequirement

from socbot import Ocg
from socbot.context import Context
from socbot.model import Command, CommandError, Fact, Reply, Severity
from socbot.parser import record_number

USAGE = (
    'intel <OCG> "requirement" @analyst [collection="how it will be collected"] | '
    'intel <n> response "..." | intel <n> close "..."'
)


def intel(ctx: Context, cmd: Command) -> Reply:
    words = cmd.args
    if len(words) >= 2 and record_number(words[0]) is not None:
        return _update(ctx, words, cmd.options)
    if len(words) < 3:
        raise CommandError(f"Usage: `ocg {USAGE}`", field="ocg")
    ocg = ctx.ocg(words[0])
    owner = ctx.person(words[-1])
    if owner.agency.lower() != "police":
        raise CommandError(
            f"@{owner.handle} works for {owner.agency}: intelligence requirements are owned by "
            "police analysts.",
            field="owner",
        )
    requirement = " ".join(words[1:-1]).strip()
    if len(requirement.split()) < 3:
        raise CommandError(
            f'Say what is needed, in quotes: e.g. `ocg intel {ocg.ref} "who supplies the cash to '
            'the car wash?" @khan`.',
            field="requirement",
        )
    row = IntelRequirement(
        ocg_id=ocg.id or 0,
        requirement=requirement,
        collection=cmd.options.get("collection") or None,
        owner_id=owner.id or 0,
        created_at=ctx.utcnow(),
        by_id=ctx.actor.id or 0,
    )
    ctx.session.add(row)
    ctx.session.flush()
    ctx.notify(
        key=f"intel:{row.id}:{owner.id}",
        kind="intel",
        person_id=owner.id,
        ocg_id=ocg.id,
        reply=Reply(
            title=f"Intelligence requirement #{row.id} for you: {ocg.ref} {ocg.name}",
            text=requirement,
            context=f'`ocg intel {row.id} response "..."` when you have something; '
            f'`ocg intel {row.id} close "..."` to close it.',
        ),
    )
    return Reply(
        title=f"Intelligence requirement #{row.id}: {ocg.ref} {ctx.ocg_name(ocg)}",
        text=requirement,
        facts=[
            Fact("Owner", f"@{owner.handle} (told)"),
            Fact("Collection plan", row.collection or 'not yet: collection="..."'),
        ],
        severity=Severity.SUCCESS,
    )


def _update(ctx: Context, words: tuple[str, ...], options: dict[str, str]) -> Reply:
    number = record_number(words[0])
    row = ctx.session.get(IntelRequirement, number) if number is not None else None
    ocg = ctx.session.get(Ocg, row.ocg_id) if row else None
    if row is None or ocg is None or not ctx.can("ocg.read", ocg):
        raise CommandError(f"There is no intelligence requirement #{words[0]}.", field="id")
    ctx.ocg(ocg.ref)
    what = words[1].lower()
    text = " ".join(words[2:]).strip()
    if what not in ("response", "close", "collection"):
        raise CommandError(f"Say response, collection or close. Usage: `ocg {USAGE}`")
    if row.status == "closed":
        raise CommandError(f"Requirement #{row.id} is already closed.", field="id")
    if len(text.split()) < 2:
        raise CommandError(f"Write the {what} in a few words, in quotes.", field=what)
    if what == "collection":
        row.collection = text
    else:
        row.response = text if what == "response" or not row.response else f"{row.response}; {text}"
    if what == "close":
        row.status, row.closed_at = "closed", ctx.utcnow()
        decisions.record(
            ctx,
            ocg,
            f"Intelligence requirement #{row.id} closed: {row.requirement}",
            text,
            topic="intel",
        )
    ctx.session.add(row)
    return Reply(
        title=f"Requirement #{row.id} {'closed' if what == 'close' else 'updated'}",
        text=row.requirement,
        facts=[
            Fact("Collection plan", row.collection or "none"),
            Fact("Response", row.response or "none"),
        ],
        severity=Severity.SUCCESS,
    )
