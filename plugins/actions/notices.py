"""Telling a new owner that an action is now theirs: queued once per hand-over (the outbox key
names the change), worded at delivery, and withdrawn if the action has moved on or closed by then.
"""

from __future__ import annotations

from typing import Any

from socbot_plugins.actions import overdue
from socbot_plugins.actions.models import Action, ActionChange
from socbot_plugins.actions.view import description, ocg_label, quick_replies, say_due
from sqlmodel import Session

from socbot import Fact, Ocg, Person, Reply, Withdraw
from socbot.access import sanitised
from socbot.clock import Clock
from socbot.context import Context

KIND = "reassigned"


def tell_new_owner(ctx: Context, action: Action, change: ActionChange) -> None:
    """Queue the notice to the action's new owner (a person, not the one who moved it)."""
    if action.owner_id is None or action.owner_id == ctx.actor.id:
        return
    ctx.session.flush()  # the change's id names the notice: one per hand-over
    spec = {"action": action.id, "owner": action.owner_id, "change": change.id}
    ctx.notify(
        key=f"{KIND}:{action.id}:{change.id}",
        kind=KIND,
        person_id=action.owner_id,
        ocg_id=action.ocg_id,
        reply=Reply(title=f"Action #{action.id} is now yours"),  # worded at delivery
        render=spec,
    )


def render(
    session: Session, spec: dict[str, Any], person_id: int, clock: Clock
) -> Reply | Withdraw:
    action = session.get(Action, spec["action"])
    change = session.get(ActionChange, spec["change"])
    person = session.get(Person, person_id)
    if action is None or change is None or person is None or not person.active:
        return Withdraw("the action or its new owner is gone")
    if action.status != "open":
        return Withdraw(f"the action was {action.status} before the notice went")
    if action.owner_id != person_id:
        return Withdraw("the action moved on to someone else before the notice went")
    ocg = session.get(Ocg, action.ocg_id)
    if ocg is None or ocg.status != "active":
        return Withdraw("the OCG is closed")
    viewer = overdue.viewers(session, [person], clock.utcnow())[person_id]
    if action.sensitive and sanitised(viewer):
        return Withdraw("a sensitive action is not told to a partner")
    by = session.get(Person, change.by_id)
    facts = [
        Fact("OCG", ocg_label(ocg, sanitised(viewer))),
        Fact("Pillar", action.pillar.capitalize()),
        Fact("Due", say_due(action.due_at, clock.now())),
    ]
    if by is not None:
        facts.append(Fact("From", f"@{by.handle}"))
    if change.reason:
        facts.append(Fact("Reason", change.reason))
    return Reply(
        title=f"Action #{action.id} is now yours",
        text=description(session, action, sanitised(viewer)),
        facts=facts,
        buttons=quick_replies(action.id or 0),
        context=f'Close it with `ocg done {action.id} "result"`; `ocg actions mine` lists yours.',
    )
