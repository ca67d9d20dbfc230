"""Escalation to the OCG's LRO (its SRO when it has none): an action overdue more than
``escalate_days`` (``SOCBOT_PLUGIN__ACTIONS__ESCALATE_DAYS``) is raised once, then weekly while
it stays open. Rounds are worked out from the due date and the last escalation each lead
received, so a missed day (a weekend, an outage) is caught up, never doubled.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from socbot_plugins.actions import overdue, store
from socbot_plugins.actions.models import Action
from socbot_plugins.actions.settings import ActionsSettings
from socbot_plugins.actions.view import Redact, overdue_days, redactor
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from socbot import Assignment, Ocg, Outbox, Person, Reply, Severity, Withdraw
from socbot.access import Actor, sanitised
from socbot.clock import LONDON, Clock, local
from socbot.context import Context
from socbot.inlist import padded


def escalation_start(due: datetime, today: date, after_days: int) -> date | None:
    """The day the current escalation round began: ``after_days`` + 1 days overdue, then every
    7 days after; None while the action is not yet that late."""
    late = overdue_days(due, today)
    if late <= after_days:
        return None
    rounds = (late - after_days - 1) // 7
    return local(due).date() + timedelta(days=after_days + 1 + 7 * rounds)


BATCH = 200  # leads per transaction


def run_escalations(ctx: Context, dry_run: bool) -> Iterator[list[str]]:
    """Plan who hears of which late actions from a few columns, a part of the slice at a time
    (the plan holds 8 bytes an action, its id), then word and queue a batch of leads at a
    time, each committed before the next is read."""
    if not overdue.working_day(ctx):
        return
    session, today = ctx.session, ctx.today()
    days = ctx.plugin_settings("actions", ActionsSettings).escalate_days
    before = datetime.combine(today - timedelta(days=days), time(0), LONDON)
    plan: dict[int, array[int]] = {}
    last: dict[int, date | None] = {}
    for data in overdue.stream(session, before, ctx.utcnow()):
        for pid, found in _plan(ctx, data, days, last).items():
            plan.setdefault(pid, array("q")).extend(a.id or 0 for a in found)
    done = overdue.existing(session, [_key(today, pid) for pid in plan])
    plan = {pid: ids for pid, ids in plan.items() if _key(today, pid) not in done}
    for batch in overdue.batches(plan, BATCH):
        yield _queue(ctx, batch, before, days)


def _plan(
    ctx: Context, data: overdue.Overdue, days: int, last: dict[int, date | None]
) -> dict[int, list[Action]]:
    """Lead -> the actions to raise with them today: past ``days`` overdue, in a round they have
    not been told of. ``last``: when each lead was last told, filled as leads come up."""
    session, today = ctx.session, ctx.today()
    leads = _leads(session, data.ocgs, ctx.utcnow())
    named = {p for ids in leads.values() for p in ids} - last.keys()
    told = _last_escalated(session, named)
    last.update({pid: told.get(pid) for pid in named})
    plan: dict[int, list[Action]] = {}
    for action in data.actions:
        begun = escalation_start(action.due_at, today, days)
        for pid in leads.get(action.ocg_id, []):
            was = last[pid]
            if begun is not None and (was is None or begun > was):
                plan.setdefault(pid, []).append(action)
    return plan


def _key(today: date, pid: int) -> str:
    return f"escalation:{today.isoformat()}:{pid}"


def _queue(
    ctx: Context, batch: Mapping[int, Sequence[int]], before: datetime, days: int
) -> list[str]:
    """One batch of escalations from the actions as they are now (still open and that late)."""
    session, now, today = ctx.session, ctx.now(), ctx.today()
    data = overdue.load(session, before, ctx.utcnow(), ids={i for v in batch.values() for i in v})
    planned = _plan(ctx, data, days, {})
    ours = {pid: set(ids) for pid, ids in batch.items() if pid in planned}
    done = overdue.existing(session, [_key(today, pid) for pid in ours])  # a concurrent sweep
    todo = {
        pid: [a for a in planned[pid] if a.id in ids]
        for pid, ids in ours.items()
        if _key(today, pid) not in done
    }
    people = {p.id or 0: p for p in overdue.by_ids(session, Person, todo)}
    viewers = overdue.viewers(session, people.values(), ctx.utcnow())
    redact = redactor(session, data.ocgs)
    outgoing = []
    for pid in sorted(todo):
        found = overdue.shown_to(data, viewers[pid], todo[pid])
        if not found:
            continue
        reply = escalation_reply(data, found, viewers[pid], now, redact, days)
        message = {"key": _key(today, pid), "kind": "escalation", "reply": reply, "person_id": pid}
        message["render"] = {"actions": [a.id for a in found], "days": days}
        line = (
            f"to @{people[pid].handle}: escalation: {overdue.plural(len(found), 'action')} overdue "
            f"more than {days} days"
        )
        outgoing.append((message, line))
    return overdue.send(ctx, outgoing)[0]


def escalation_reply(
    data: overdue.Overdue,
    found: list[Action],
    viewer: Actor,
    now: datetime,
    redact: Redact,
    days: int,
) -> Reply:
    return Reply(
        title=f"{overdue.plural(len(found), 'action')} overdue more than {days} days on your OCGs",
        text="Their owners are reminded on the 1st, 2nd and 4th working day overdue, then weekly. "
        "Chase them, or reassign or cancel what is no longer right.",
        items=overdue.items(
            data,
            found,
            now,
            viewer=viewer,
            redact=redact if sanitised(viewer) else None,
            budget=[overdue.MAX_ITEMS],
        ),
        severity=Severity.WARNING,
        context=f"Raised once when an action passes {days} days overdue, then weekly while "
        "it stays open.",
    )


def render(
    session: Session, spec: dict[str, Any], person_id: int, clock: Clock
) -> Reply | Withdraw:
    """The escalation as it reads at delivery: those of its actions still open and late."""
    days, today = int(spec["days"]), clock.today()
    before = datetime.combine(today - timedelta(days=days), time(0), LONDON)
    data = overdue.load(session, before, clock.utcnow(), ids=spec["actions"])
    person = session.get(Person, person_id)
    if person is not None and data.actions:
        viewer = overdue.viewers(session, [person], clock.utcnow())[person_id]
        found = overdue.shown_to(data, viewer, data.actions)
        if found:
            redact = redactor(session, data.ocgs)
            return escalation_reply(data, found, viewer, clock.now(), redact, days)
    return Withdraw("its actions were closed, moved or cancelled since it was queued")


def _leads(session: Session, ocgs: dict[int, Ocg], now: datetime) -> dict[int, list[int]]:
    """Who hears of an OCG's late actions: its LRO, or its SRO when it has no LRO."""
    rows = session.exec(  # columns, not objects: planning a national sweep asks this often
        select(Assignment.person_id, Assignment.role, Assignment.ocg_id).where(
            Assignment.role.in_(("lro", "sro")),  # type: ignore[attr-defined]
            or_(Assignment.ocg_id.in_(padded(ocgs)), Assignment.ocg_id.is_(None)),  # type: ignore[union-attr]
            store.held_at(now),
        )
    ).all()
    lros: dict[int, set[int]] = {}
    sros: dict[int | None, set[int]] = {}
    for person_id, role, ocg_id in rows:
        target = lros if role == "lro" else sros
        target.setdefault(ocg_id, set()).add(person_id)  # type: ignore[arg-type]
    return {oid: sorted(lros.get(oid) or sros.get(oid) or sros.get(None) or set()) for oid in ocgs}


def _last_escalated(session: Session, person_ids: set[int]) -> dict[int, date]:
    """The London day each person last had an escalation queued (one grouped query)."""
    if not person_ids:
        return {}
    rows = session.exec(
        select(Outbox.person_id, func.max(Outbox.created_at))
        .where(Outbox.kind == "escalation", Outbox.person_id.in_(padded(person_ids)))  # type: ignore[union-attr]
        .group_by(col(Outbox.person_id))
    ).all()
    return {pid: local(at).date() for pid, at in rows if pid is not None and at is not None}
