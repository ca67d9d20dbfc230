"""Owner nudges: at most one message per person per working day, listing the overdue actions
whose reminder falls due that day (``backoff``: the 1st, 2nd and 4th working day overdue, then
weekly, until the owner presses "Seen"), with quick replies. An agency's unclaimed actions, and
those of people with no chat identity, go to that agency's coordinator instead.

A nudge is worded when it is delivered (``render``): its days overdue are those of that day, and
an action closed, moved, reassigned or seen since it was queued drops out (the whole nudge is
withdrawn when none is left).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial

from socbot_plugins.actions import backoff, overdue
from socbot_plugins.actions.models import Action
from socbot_plugins.actions.view import Redact, redactor
from sqlalchemy import or_, update
from sqlmodel import Session, col

from socbot import Person, Reply, Section, Severity, Withdraw
from socbot.access import Actor, sanitised
from socbot.clock import Clock
from socbot.context import Context
from socbot.inlist import chunks


@dataclass
class Bundle:
    """Everything one person is nudged about today."""

    own: list[Action] = field(default_factory=list)
    held: dict[str, list[Action]] = field(default_factory=dict)  # agency -> its unclaimed ones
    passed: dict[int, list[Action]] = field(default_factory=dict)  # unreachable owner -> theirs

    def all(self) -> list[Action]:
        found = list(self.own)
        for group in (*self.held.values(), *self.passed.values()):
            found += group
        return found


def plan_nudges(data: overdue.Overdue) -> dict[int, Bundle]:
    """Who is told about what: owners; an agency's unclaimed actions and the actions of people
    with no chat identity go to that agency's coordinator."""
    plan: dict[int, Bundle] = {}
    for action in data.actions:
        owner, area = data.owner(action), data.ocgs[action.ocg_id].area
        if owner is not None and data.can_reach(owner):
            plan.setdefault(owner.id or 0, Bundle()).own.append(action)
        elif owner is not None:
            chasers = data.chasers(owner.agency, owner.area or area, skip=owner.id)
            for chaser in chasers:
                plan.setdefault(chaser.id or 0, Bundle()).passed.setdefault(
                    owner.id or 0, []
                ).append(action)
            if not chasers:  # nobody to pass it to: it waits in the outbox for them
                plan.setdefault(owner.id or 0, Bundle()).own.append(action)
        else:
            for chaser in data.chasers(data.agency(action), area):
                plan.setdefault(chaser.id or 0, Bundle()).held.setdefault(
                    data.agency(action), []
                ).append(action)
    return plan


BATCH = 200  # recipients per transaction


def run_nudges(ctx: Context, dry_run: bool) -> Iterator[list[str]]:
    """Plan who is told about what from a few columns, then word and queue the messages a batch
    of recipients at a time, each batch committed before the next is read."""
    if not overdue.working_day(ctx):
        return
    at = ctx.utcnow()  # the sweep's time: what it counts as nudged now
    for batch in overdue.batches(_plan(ctx, at), BATCH):
        yield _queue(ctx, batch, at)


def _plan(ctx: Context, at: datetime) -> dict[int, array[int]]:
    """Recipient -> ids of the actions they are to be reminded of today, for those not yet
    nudged today (the outbox key is per person and day). Planned from the slice a part at a
    time, so the plan holds 8 bytes an overdue action (its id)."""
    session, today, days = ctx.session, ctx.today(), ctx.settings.working_days
    plan: dict[int, array[int]] = {}
    for data in overdue.stream(session, at, at):
        data.actions = [a for a in data.actions if backoff.due(a, today, days)]
        for pid, bundle in plan_nudges(data).items():
            plan.setdefault(pid, array("q")).extend(a.id or 0 for a in bundle.all())
    done = overdue.existing(session, [_key(today, pid) for pid in plan])
    return {pid: ids for pid, ids in plan.items() if _key(today, pid) not in done}


def _key(today: date, pid: int) -> str:
    return f"nudge:{today.isoformat()}:{pid}"


def _queue(ctx: Context, batch: Mapping[int, Sequence[int]], at: datetime) -> list[str]:
    """Word and queue one batch's nudges from the actions as they are now: one closed, moved
    or seen since the plan drops out, and a recipient left with none gets nothing."""
    session, now, today = ctx.session, ctx.now(), ctx.today()
    wanted = {i for ids in batch.values() for i in ids}
    data = overdue.load(session, at, at, ids=wanted)
    data.actions = [a for a in data.actions if not backoff.seen(a)]
    planned = plan_nudges(data)
    todo = {
        pid: _only(planned[pid], set(batch[pid])) for pid in batch if pid in planned
    }  # a chaser in another batch is worded there
    done = overdue.existing(session, [_key(today, pid) for pid in todo])  # a concurrent sweep
    todo = {pid: bundle for pid, bundle in todo.items() if _key(today, pid) not in done}
    recipients = {p.id or 0: p for p in overdue.by_ids(session, Person, todo) if p.active}
    viewers = overdue.viewers(session, recipients.values(), at)
    redact = redactor(session, data.ocgs)
    outgoing = []
    for pid in sorted(todo):
        person = recipients.get(pid)
        if person is None:
            continue
        bundle = todo[pid] = _for(data, viewers[pid], todo[pid])
        if not bundle.all():
            continue
        reply = nudge_reply(data, bundle, viewers[pid], now, redact)
        forwarded = ", ".join(f"@{data.people[o].handle}" for o in bundle.passed)
        note = f"passed on for {forwarded}: no chat identity" if forwarded else None
        found = bundle.all()
        extra = f"; passing on for {forwarded}" if forwarded else ""
        line = (
            f"to @{person.handle}: nudge: {overdue.plural(len(found), 'overdue action')} "
            f"({overdue.oldest(found, today)}){extra}"
        )
        message = {"key": _key(today, pid), "kind": "nudge", "reply": reply, "person_id": pid}
        message["render"] = {"actions": [a.id for a in found]}
        outgoing.append(({**message, "note": note}, line))
    lines, queued = overdue.send(ctx, outgoing)
    chased = {a.id or 0 for pid in todo if _key(today, pid) in queued for a in todo[pid].all()}
    _mark_chased(session, sorted(chased), at)
    return lines


def _only(bundle: Bundle, ids: set[int]) -> Bundle:
    """The part of a bundle the plan gave this recipient."""
    keep = [a for a in bundle.own if a.id in ids]
    held = {
        k: v for k, v in ((k, [a for a in v if a.id in ids]) for k, v in bundle.held.items()) if v
    }
    passed = {
        k: v for k, v in ((k, [a for a in v if a.id in ids]) for k, v in bundle.passed.items()) if v
    }
    return Bundle(keep, held, passed)


def render(
    session: Session, spec: dict[str, list[int]], person_id: int, clock: Clock
) -> Reply | Withdraw:
    """The nudge as it reads at delivery: the actions it was queued about that are still
    overdue, unseen and this person's to chase, with today's ages."""
    now = clock.utcnow()
    data = overdue.load(session, now, now, ids=spec["actions"])
    data.actions = [a for a in data.actions if not backoff.seen(a)]
    bundle = plan_nudges(data).get(person_id)
    person = session.get(Person, person_id)
    if bundle is not None and person is not None and person.active:
        viewer = overdue.viewers(session, [person], now)[person_id]
        bundle = _for(data, viewer, bundle)
        if bundle.all():
            return nudge_reply(data, bundle, viewer, clock.now(), redactor(session, data.ocgs))
    return Withdraw("nothing left to chase: closed, moved, reassigned or seen since it was queued")


def _for(data: overdue.Overdue, viewer: Actor, bundle: Bundle) -> Bundle:
    """The bundle as this recipient may read it (``overdue.shown_to``)."""
    keep = partial(overdue.shown_to, data, viewer)
    held = {k: v for k, v in ((k, keep(v)) for k, v in bundle.held.items()) if v}
    passed = {k: v for k, v in ((k, keep(v)) for k, v in bundle.passed.items()) if v}
    return Bundle(keep(bundle.own), held, passed)


def nudge_reply(
    data: overdue.Overdue, bundle: Bundle, viewer: Actor, now: datetime, redact: Redact
) -> Reply:
    count = len(bundle.all())
    hide = redact if sanitised(viewer) else None
    budget = [overdue.MAX_ITEMS]
    listed = partial(
        overdue.items,
        data,
        now=now,
        viewer=viewer,
        redact=hide,
        owner=False,
        budget=budget,
        seen=True,
    )  # with the Seen button: reminders stop until the due date moves
    sections = []
    if bundle.own:
        sections.append(
            Section(
                "Yours",
                items=listed(bundle.own),
            )
        )
    for agency, actions in sorted(bundle.held.items()):
        sections.append(
            Section(
                f"Given to {agency}: you hold these as its coordinator",
                "Pass each to someone who will do it (`ocg reassign <id> @handle`) or let them "
                "`ocg take <id>`.",
                items=listed(actions),
            )
        )
    for owner_id, actions in sorted(bundle.passed.items()):
        owner = data.people[owner_id]
        sections.append(
            Section(
                f"@{owner.handle} ({owner.name}) can't be reached in chat: please chase them",
                items=listed(actions),
            )
        )
    verb = "needs" if count == 1 else "need"
    return Reply(
        title=f"{overdue.plural(count, 'overdue action')} {verb} you",
        sections=sections,
        severity=Severity.WARNING,
        context='Close one with `ocg done <id> "result"` or move it with `ocg snooze <id> <when> '
        '"reason"`. Reminders come on the 1st, 2nd and 4th working day overdue, then weekly; '
        "Seen (`ocg seen <id>`) stops them until the due date moves.",
    )


def _mark_chased(session: Session, ids: list[int], at: datetime) -> None:
    """Count the nudge on actions still open and overdue: the conditional UPDATE is re-checked
    against the newest committed row on PostgreSQL, so a ``done`` that committed after the
    sweep planned is not bumped (its queued nudge is withdrawn at delivery). An action passed
    to two chasers in two batches is counted once: the second finds it nudged at ``at``."""
    for chunk in chunks(ids):
        session.exec(
            update(Action)
            .where(Action.id.in_(chunk))  # type: ignore[union-attr]
            .where(Action.status == "open", Action.due_at < at)  # type: ignore[arg-type]
            .where(or_(col(Action.last_nudged_at).is_(None), col(Action.last_nudged_at) < at))
            .values(last_nudged_at=at, nudge_count=Action.nudge_count + 1)
            .execution_options(synchronize_session=False)
        )
