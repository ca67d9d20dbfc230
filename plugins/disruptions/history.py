"""A disruption's history: each step (recorded, a field corrected, a moderation decision) with
who, when, the value before and after, and why. Written beside every change, in the same
transaction; read by ``disruption <id> history``, where the recorder sees each decision's
rationale (partners through the core's withholding, like every reply).
"""

from __future__ import annotations

from socbot_plugins.disruptions.models import Disruption, DisruptionChange
from sqlmodel import col, select

from socbot import Person
from socbot.clock import say_when
from socbot.context import Context
from socbot.model import Item

# how each kind of step reads in the history
SAID = {
    "recorded": "recorded",
    "edited": "corrected",
    "accepted": "accepted",
    "needs_info": "asked for more information",
    "answered": "answered",
    "rejected": "rejected",
    "merged": "merged",
    "linked": "linked as the same event",
    "reopened": "back to moderation",
    "remoderated": "decision reversed",
}


def log(
    ctx: Context,
    d: Disruption,
    kind: str,
    *,
    field: str | None = None,
    before: object = None,
    after: object = None,
    rationale: str = "",
) -> None:
    ctx.session.add(
        DisruptionChange(
            disruption_id=d.id or 0,
            at=ctx.utcnow(),
            by_id=ctx.actor.id or 0,
            kind=kind,
            field=field,
            before=None if before is None else str(before),
            after=None if after is None else str(after),
            rationale=rationale,
        )
    )


def items(ctx: Context, d: Disruption) -> list[Item]:
    """One line per step, oldest first."""
    rows = ctx.session.exec(
        select(DisruptionChange, Person)
        .join(Person, col(Person.id) == DisruptionChange.by_id)
        .where(DisruptionChange.disruption_id == d.id)
        .order_by(col(DisruptionChange.id))
    ).all()
    found = []
    for step, who in rows:
        what = SAID.get(step.kind, step.kind)
        if step.field and step.kind != "recorded":
            change = f"{step.field}: {step.before or '(none)'} → {step.after or '(none)'}"
            what = f"{what} · {change}"
        detail = f"by @{who.handle} ({who.agency})"
        if step.rationale:
            detail += f" · why: {step.rationale}"
        found.append(Item(f"{say_when(step.at)} · {what}", detail))
    return found
