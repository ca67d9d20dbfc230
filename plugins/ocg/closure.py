"""``ocg close`` and ``ocg reopen``: the end of an OCG's plan, and its return.

Closing archives the OCG with the reason and the exit strategy, both written to the decision
log through an ``OcgChanged`` event (seed 001, "Written records"; section G, Clear, Hold, Build,
asks for exit strategies and hand-over of responsibilities when the work is complete). An
archived OCG has no review due: it leaves the lists and the review calendar, and raises no
review alert or action chasing; alerts already queued are withdrawn. Reopening makes it active
again with a fresh review clock, one tier period from the day it is reopened.

Both are the plan owner's: the OCG's LRO, and the SRO on any OCG (``plan.write``).
"""

from __future__ import annotations

from socbot_plugins.actions.models import Action
from socbot_plugins.ocg import rules
from socbot_plugins.ocg.review import withdraw_alerts
from sqlmodel import func, select

from socbot import Ocg
from socbot.clock import say_date
from socbot.context import Context
from socbot.events import OcgChanged
from socbot.model import Command, CommandError, Fact, Reply, Severity
from socbot.parser import because

MIN_WORDS = 3
CLOSE_USAGE = 'close <OCG> because "why it is closed" exit="the exit strategy"'
REOPEN_USAGE = 'reopen <OCG> because "why it is reopened"'
CLOSE_EXAMPLE = (
    'ocg close {ref} because "principals convicted, network dismantled" '
    'exit="council and housing hold the estate; SOC team reviews intel monthly for six months"'
)
REOPEN_EXAMPLE = 'ocg reopen {ref} because "new intelligence: the network is re-forming"'


def close_ocg(ctx: Context, cmd: Command) -> Reply:
    ocg, rationale = _target(ctx, cmd, CLOSE_USAGE, {"exit"})
    if ocg.status != "active":
        raise CommandError(
            f"{ocg.ref} is already {ocg.status}. To bring it back: "
            f"`{REOPEN_EXAMPLE.format(ref=ocg.ref)}`.",
            field="ocg",
        )
    example = CLOSE_EXAMPLE.format(ref=ocg.ref)
    _few_words(rationale, "why it is closed, after `because`", "because", example)
    exit_strategy = cmd.options.get("exit", "").strip()
    _few_words(
        exit_strategy,
        'the exit strategy in exit="...": who holds the ground now, what is watched',
        "exit",
        example,
    )
    before = ocg.status
    ocg.status = "archived"
    ctx.session.add(ocg)
    withdraw_alerts(ctx, ocg.id or 0, "the OCG was archived before delivery")
    ctx.emit(
        OcgChanged(
            ocg, "closure", before, "archived", rationale, detail=f"exit strategy: {exit_strategy}"
        )
    )
    facts = [
        Fact("Because", rationale),
        Fact("Exit strategy", exit_strategy),
        Fact("Reviews", f'none due while archived; `ocg reopen {ocg.ref} because "..."` to resume'),
    ]
    still_open = _open_actions(ctx, ocg)
    if still_open:
        facts.append(
            Fact(
                "Open actions",
                f"{still_open} left open and no longer chased: close, cancel or reassign them "
                f"(`ocg actions {ocg.ref}`)",
                Severity.WARNING,
            )
        )
    return Reply(
        title=f"Archived {ocg.ref} {ctx.ocg_name(ocg)}",
        text="Closed; the reason and the exit strategy are in the decision log.",
        facts=facts,
        severity=Severity.SUCCESS,
    )


def reopen_ocg(ctx: Context, cmd: Command) -> Reply:
    ocg, rationale = _target(ctx, cmd, REOPEN_USAGE, set())
    if ocg.status == "active":
        raise CommandError(f"{ocg.ref} is active already: nothing to reopen.", field="ocg")
    _few_words(
        rationale,
        "why it is reopened, after `because`",
        "because",
        REOPEN_EXAMPLE.format(ref=ocg.ref),
    )
    before = ocg.status
    ocg.status = "active"
    ocg.next_review_due = rules.next_due(ctx.today(), ocg.tier)
    ctx.session.add(ocg)
    due = say_date(ocg.next_review_due)
    ctx.emit(
        OcgChanged(ocg, "reopen", before, "active", rationale, detail=f"next review due {due}")
    )
    return Reply(
        title=f"Reopened {ocg.ref} {ctx.ocg_name(ocg)}",
        text="Active again; the reason is in the decision log.",
        facts=[
            Fact("Because", rationale),
            Fact("Next review", f"{due} (tier {ocg.tier}: {rules.tier_meaning(ocg.tier)})"),
        ],
        severity=Severity.SUCCESS,
    )


def _target(ctx: Context, cmd: Command, usage: str, allowed: set[str]) -> tuple[Ocg, str]:
    words, rationale = because(cmd)
    if not words:
        raise CommandError(f"Which OCG, and why? `ocg {usage}`", field="ocg")
    unknown = sorted(set(cmd.options) - allowed - {"because"})
    if unknown:
        raise CommandError(
            f"I don't know the option {unknown[0]}=. `ocg {usage}`", field=unknown[0]
        )
    ocg = ctx.ocg(words[0])
    if len(words) > 1:
        raise CommandError(
            f"I read {words[0]!r} as {ocg.ref}; what follows it goes after `because`: "
            f"`ocg {usage}`",
            field="because",
        )
    return ocg, rationale


def _few_words(text: str, what: str, field: str, example: str) -> None:
    if len(text.split()) < MIN_WORDS:
        raise CommandError(
            f"Give {what}, in a few words: the decision log is read at review and may be read "
            f"in court. e.g. `{example}`.",
            field=field,
        )


def _open_actions(ctx: Context, ocg: Ocg) -> int:
    return int(
        ctx.session.exec(
            select(func.count()).where(Action.ocg_id == ocg.id, Action.status == "open")
        ).one()
    )
