"""The overdue slice of the action table, read once per sweep with everything needed to word
each message (a fixed number of queries, whatever the count), plus the pieces every chasing job
shares: who reads a message, how items look, and queueing through the outbox in one batch.

Sweeps read only overdue actions through ``ix_action_open_due``, so their cost follows the
number overdue, not the size of the table.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from socbot_plugins.actions import rules, store
from socbot_plugins.actions.models import Action
from socbot_plugins.actions.view import Redact, action_item, ocg_label, overdue_days, owner_label
from sqlmodel import Session, col, select

from socbot import Assignment, Button, Item, Ocg, Outbox, Person
from socbot.access import Actor, sanitised, sees_sensitive
from socbot.context import Context
from socbot.inlist import chunks

MAX_ITEMS = 20  # per message: the rest are counted, and `ocg actions` lists them all
STREAM = 2000  # overdue actions a sweep plans from at a time
BATCH_ACTIONS = 2000  # actions a sweep words and queues in one transaction, at most


@dataclass
class Overdue:
    actions: list[Action]
    ocgs: dict[int, Ocg]
    people: dict[int, Person]
    coordinators: dict[str, list[Person]]  # lower-cased agency -> its coordinators
    reachable: set[int] | None  # None: a console-only store, everyone is reachable

    def owner(self, action: Action) -> Person | None:
        return self.people.get(action.owner_id) if action.owner_id else None

    def agency(self, action: Action) -> str:
        return store.agency_of(action, self.owner(action)) or "?"

    def can_reach(self, person: Person) -> bool:
        return self.reachable is None or person.id in self.reachable

    def chasers(self, agency: str, area: str | None, skip: int | None = None) -> list[Person]:
        """Coordinators of ``agency``: those for ``area`` when there are any, else all."""
        found = [p for p in self.coordinators.get(agency.lower(), []) if p.id != skip]
        local_ones = [p for p in found if area and p.area == area]
        return local_ones or found


# What a sweep needs to decide who is told about what: planning a national sweep from these
# columns holds about 0.3 KB per overdue action instead of a few KB for each ``Action`` object.
PLAN_COLUMNS = (
    col(Action.id),
    col(Action.ocg_id),
    col(Action.owner_id),
    col(Action.owner_agency),
    col(Action.due_at),
    col(Action.last_nudged_at),
    col(Action.seen_due_at),
    col(Action.sensitive),
)
# ...and of the OCGs and owners they name: what planning, grouping and the shown lines read.
PLAN_OCG = (col(Ocg.id), col(Ocg.ref), col(Ocg.name), col(Ocg.partner_name), col(Ocg.area),
            col(Ocg.status))  # fmt: skip
PLAN_PERSON = (col(Person.id), col(Person.handle), col(Person.name), col(Person.agency),
               col(Person.area), col(Person.active))  # fmt: skip


def overdue_query(before: datetime, *, plan: bool = False) -> Any:
    """Open actions due before ``before``: a range scan of ``ix_action_open_due``; ``plan``:
    only ``PLAN_COLUMNS``, rows that read like actions for planning a sweep."""
    return (
        (select(*PLAN_COLUMNS) if plan else select(Action))  # type: ignore[call-overload]
        .where(Action.status == "open", Action.due_at < before)
        .order_by(Action.due_at, Action.id)  # type: ignore[arg-type]
    )


def load(
    session: Session,
    before: datetime,
    now: datetime,
    ids: Collection[int] | None = None,
    *,
    plan: bool = False,
) -> Overdue:
    """Overdue actions on active OCGs: a closed (archived) OCG's actions are chased by no one.
    ``ids``: only these (a batch of a sweep, or a message worded again at delivery), re-checked
    as still open and overdue now. ``plan``: rows of ``PLAN_COLUMNS`` (and of ``PLAN_OCG`` and
    ``PLAN_PERSON``), not objects: a few hundred bytes an overdue action."""
    query = overdue_query(before, plan=plan)
    if ids is None:
        return _named(session, list(session.exec(query).all()), now, plan, {})
    found = []
    for chunk in chunks(dict.fromkeys(ids)):  # one recipient may hold tens of thousands
        found += session.exec(query.where(col(Action.id).in_(chunk))).all()
    found.sort(key=lambda a: (a.due_at, a.id))  # in the slice's order, as one query gives it
    return _named(session, found, now, plan, {})


def stream(session: Session, before: datetime, now: datetime) -> Iterator[Overdue]:
    """The overdue slice as plan rows, ``STREAM`` actions at a time, each part with what it
    names: a sweep that plans from one part at a time holds a part, not the slice, so its
    memory does not grow with the number overdue. One statement read in partitions (a
    server-side cursor on PostgreSQL): every part comes from the same snapshot."""
    coordinators: dict[str, list[Person]] = {}  # an agency's, kept across parts: a few hundred
    query = overdue_query(before, plan=True).execution_options(yield_per=STREAM)
    for rows in session.exec(query).partitions():
        yield _named(session, list(rows), now, True, coordinators)
        gc.collect()  # the part's cycles: a job pauses the collector (``socbot.jobs``)


def _named(
    session: Session,
    actions: list[Any],
    now: datetime,
    plan: bool,
    coordinators: dict[str, list[Person]],
) -> Overdue:
    """``actions`` with the OCGs, owners, coordinators and reach they name, those on closed
    OCGs left out; ``coordinators`` caches an agency's across calls."""
    ocg_ids = {a.ocg_id for a in actions}
    ocgs = {o.id or 0: o for o in by_ids(session, Ocg, ocg_ids, PLAN_OCG if plan else None)}
    # an OCG purged since the slice's snapshot is gone: its actions with it
    actions = [a for a in actions if a.ocg_id in ocgs and ocgs[a.ocg_id].status == "active"]
    ocgs = {i: o for i, o in ocgs.items() if o.status == "active"}
    owners = {a.owner_id for a in actions if a.owner_id}
    people = {p.id or 0: p for p in by_ids(session, Person, owners, PLAN_PERSON if plan else None)}
    agencies = {a.owner_agency.lower() for a in actions if a.owner_agency}
    agencies |= {p.agency.lower() for p in people.values()}
    missing = agencies - coordinators.keys()
    found = store.coordinators(session, missing, now)
    coordinators.update({agency: found.get(agency, []) for agency in missing})
    return Overdue(
        actions,
        ocgs,
        people,
        {a: coordinators[a] for a in agencies},
        store.chat_reachable(session, people),
    )


def batches(
    plan: Mapping[int, Sequence[int]], size: int, actions: int | None = None
) -> Iterator[dict[int, Sequence[int]]]:
    """A sweep's plan (recipient -> action ids) a batch at a time, in recipient order (two
    sweeps take their outbox row locks in the same order): ``size`` recipients, fewer when
    their actions would pass ``actions`` (``BATCH_ACTIONS``; one recipient holding more has a
    batch alone), so a batch's work stays the same as overdue actions grow denser."""
    actions = actions or BATCH_ACTIONS
    batch: dict[int, Sequence[int]] = {}
    held = 0
    for pid in sorted(plan):
        ids = plan[pid]
        if batch and (len(batch) == size or held + len(ids) > actions):
            yield batch
            batch, held = {}, 0
        batch[pid] = ids
        held += len(ids)
    if batch:
        yield batch


def by_ids(
    session: Session, model: type, ids: Iterable[int], columns: tuple[Any, ...] | None = None
) -> list[Any]:
    """Rows of ``model`` by id, as objects or, given ``columns``, as rows of just those."""
    found: list[Any] = []
    what = select(*columns) if columns else select(model)  # type: ignore[call-overload]
    for chunk in chunks(ids):
        found += session.exec(what.where(model.id.in_(chunk))).all()  # type: ignore[attr-defined]
    return found


def existing(session: Session, keys: Iterable[str]) -> set[str]:
    """Keys already in the outbox (one indexed lookup per chunk): skip rebuilding those."""
    found: set[str] = set()
    for chunk in chunks(keys):
        found |= set(session.exec(select(Outbox.key).where(Outbox.key.in_(chunk))).all())  # type: ignore[attr-defined]
    return found


def viewers(session: Session, people: Iterable[Person], now: datetime) -> dict[int, Actor]:
    """Recipients as actors (roles included, one query), to word each message for its reader."""
    by_id = {p.id or 0: p for p in people}
    roles: dict[int, set[str]] = {i: set() for i in by_id}
    force_wide: dict[int, set[str]] = {i: set() for i in by_id}
    ocg_roles: dict[int, dict[int, set[str]]] = {i: {} for i in by_id}
    pillars: dict[int, dict[int, set[str]]] = {i: {} for i in by_id}
    for chunk in chunks(by_id):
        for pid, role, ocg_id, pillar in session.exec(  # columns: no ORM objects to build
            select(
                Assignment.person_id, Assignment.role, Assignment.ocg_id, Assignment.pillar
            ).where(
                Assignment.person_id.in_(chunk),  # type: ignore[attr-defined]
                store.held_at(now),
            )
        ).all():
            roles[pid].add(role)
            if ocg_id is None:
                force_wide[pid].add(role)
                continue
            ocg_roles[pid].setdefault(ocg_id, set()).add(role)
            if pillar:
                pillars[pid].setdefault(ocg_id, set()).add(pillar)
    return {
        i: Actor(
            i,
            p.handle,
            p.name,
            p.agency,
            p.area,
            frozenset(roles[i]),
            ocg_roles[i],
            pillars[i],
            force_roles=frozenset(force_wide[i]),
        )
        for i, p in by_id.items()
    }


def working_day(ctx: Context) -> bool:
    return ctx.today().weekday() in ctx.settings.working_days


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def oldest(actions: list[Action], today: date) -> str:
    days = max(overdue_days(a.due_at, today) for a in actions)
    return f"oldest {plural(days, 'day')} overdue" if days else "due today"


def shown_to(data: Overdue, viewer: Actor, actions: list[Action]) -> list[Action]:
    """The actions this recipient may read about: never a sensitive one they may not see, and
    for a partner only their own, their agency's and their agency colleagues' (as
    ``rules.sees_action``), whatever role put them on the list."""
    agency = viewer.agency.lower()

    def ok(action: Action) -> bool:
        if action.sensitive and not sees_sensitive(viewer, action.ocg_id):
            return False
        if not sanitised(viewer) or action.owner_id == viewer.id:
            return True
        return data.agency(action).lower() == agency

    return [a for a in actions if ok(a)]


def items(
    data: Overdue,
    actions: list[Action],
    now: datetime,
    *,
    viewer: Actor,
    redact: Redact | None,
    owner: bool = True,
    budget: list[int],
    seen: bool = False,
) -> list[Item]:
    """Items for one section, within the message's remaining ``budget`` of lines; ``seen``
    adds the owner's "Seen" button (reminders stop until the due date moves)."""
    shown = actions[: max(budget[0], 0)]
    budget[0] -= len(shown)
    out = []
    for action in shown:
        ocg = data.ocgs[action.ocg_id]
        who = store.Owner(person=data.owner(action), agency=action.owner_agency)
        item = action_item(
            action,
            now=now,
            owner=owner_label(who.person, action.owner_agency) if owner else None,
            ocg=ocg_label(ocg, sanitised(viewer)),
            buttons=rules.change_reason(viewer, action, ocg, who) is not None,
            redact=redact,
        )
        if seen and item.buttons:
            item.buttons.append(Button("Seen", "seen", {"args": str(action.id)}))
        if action.nudge_count:
            times = {1: "once", 2: "twice"}.get(action.nudge_count, f"{action.nudge_count} times")
            item.detail = f"{item.detail} · reminded {times}"
        out.append(item)
    if len(actions) > len(shown):
        out.append(Item(f"... and {len(actions) - len(shown)} more (`ocg actions overdue`)"))
    return out


def send(ctx: Context, outgoing: list[tuple[dict[str, Any], str]]) -> tuple[list[str], set[str]]:
    """Queue a sweep's messages in a few statements; the report lines and keys of those this
    sweep queued (a concurrent sweep may have queued the others first)."""
    queued = ctx.notify_many([m for m, _ in outgoing])
    return [line for m, line in outgoing if m["key"] in queued], queued
