"""Plan health: which OCGs' plans fail the checks the inspection found failing (seed 003), worst
first, and a weekly nudge to each LRO about their own.

Checks (each one query over every active OCG in scope, so ``all`` stays fast at national scale):
no LRO; no aim; a pillar with neither an objective nor a "not developed" decision; no non-Pursue
work in the last review period, open or completed; actions closed with no result; review overdue;
nothing recorded for 60 days. Archived and closed OCGs are not checked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from socbot_plugins.actions.models import Action, ActionChange
from socbot_plugins.disruptions.models import Disruption
from socbot_plugins.plan.decisions import PLAN_PILLARS
from socbot_plugins.plan.models import Decision, Objective, Plan
from sqlalchemy import and_, or_
from sqlmodel import Session, col, func, select

from socbot import REVIEW_MONTHS, Assignment, Ocg, Person, Withdraw
from socbot.clock import Clock, say_date
from socbot.context import Context
from socbot.model import Command, CommandError, Item, Reply, Section, Severity
from socbot.people import held_at

QUIET_DAYS = 60
SHOWN = 25
JOB = "plan-health"
# the order a list is sorted by when two OCGs fail as many checks: the worst gap first
WEIGHT = {
    "no LRO": 6,
    "review overdue": 5,
    "no aim": 4,
    "Pursue only": 3,
    "pillar with no objective": 2,
    "results missing": 2,
    f"nothing recorded for {QUIET_DAYS} days": 1,
}


@dataclass
class Health:
    ocg: Ocg
    failures: list[str] = field(default_factory=list)

    @property
    def weights(self) -> list[int]:
        return [WEIGHT.get(f.split(":")[0], 1) for f in self.failures]

    @property
    def rank(self) -> tuple[int, int]:
        """Worst first: the gravest single gap (no LRO above all), then the total."""
        return -max(self.weights), -sum(self.weights)


def check(session: Session, ocgs: list[Ocg], now: datetime, today: date) -> list[Health]:
    """Every failing OCG of ``ocgs``, worst first."""
    ids = [o.id for o in ocgs if o.id is not None]
    found: dict[int, list[str]] = defaultdict(list)
    if not ids:
        return []
    for i in set(ids) - _with_lro(session, ids, now):
        found[i].append("no LRO")
    for i in set(ids) - _with_aim(session, ids):
        found[i].append("no aim")
    for i, missing in _pillars_without(session, ids).items():
        found[i].append("pillar with no objective: " + ", ".join(missing))
    since = {o.id: _period_start(o, today) for o in ocgs}
    for i in set(ids) - _non_pursue_work(session, ocgs, since):
        found[i].append("Pursue only: no Prevent, Protect or Prepare work this review period")
    for i, n in _no_result(session, ids).items():
        found[i].append(f"results missing: {n} action{'s' if n > 1 else ''} closed with no result")
    for o in ocgs:
        if o.next_review_due < today:
            found[o.id or 0].append(f"review overdue: due {say_date(o.next_review_due)}")
    for i in set(ids) - _recent(session, ids, now - timedelta(days=QUIET_DAYS)):
        found[i].append(f"nothing recorded for {QUIET_DAYS} days")
    by_id = {o.id: o for o in ocgs}
    result = [Health(by_id[i], f) for i, f in found.items()]
    return sorted(result, key=lambda h: (h.rank, h.ocg.band, h.ocg.ref))


def _period_start(ocg: Ocg, today: date) -> date:
    """The start of the current review period: the last review, else one period back."""
    months = REVIEW_MONTHS.get(ocg.tier, 3)
    return ocg.last_review_on or today - timedelta(days=round(months * 30.4))


def _with_lro(session: Session, ids: list[int], now: datetime) -> set[int]:
    rows = session.exec(
        select(Assignment.ocg_id).where(
            col(Assignment.ocg_id).in_(ids), Assignment.role == "lro", held_at(now)
        )
    ).all()
    return {i for i in rows if i is not None}


def _with_aim(session: Session, ids: list[int]) -> set[int]:
    rows = session.exec(
        select(Plan.ocg_id).where(col(Plan.ocg_id).in_(ids), col(Plan.aim).is_not(None))
    ).all()
    return set(rows)


def _pillars_without(session: Session, ids: list[int]) -> dict[int, list[str]]:
    covered: set[tuple[int, str]] = set()
    for ocg_id, pillar in session.exec(
        select(Objective.ocg_id, Objective.pillar)
        .where(col(Objective.ocg_id).in_(ids), Objective.status != "dropped")
        .distinct()
    ).all():
        covered.add((ocg_id, pillar))
    for ocg_id, not_done in session.exec(
        select(Decision.ocg_id, Decision.pillar)
        .where(col(Decision.ocg_id).in_(ids), Decision.topic == "not")
        .distinct()
    ).all():
        if not_done:
            covered.add((ocg_id, not_done))
    gaps = {i: [p for p in PLAN_PILLARS if (i, p) not in covered] for i in ids}
    return {i: missing for i, missing in gaps.items() if missing}


def _non_pursue_work(session: Session, ocgs: list[Ocg], since: dict[int | None, date]) -> set[int]:
    """OCGs with a non-Pursue action open now, or completed since the period began."""
    start = datetime.combine(min(since.values()), datetime.min.time(), UTC)
    rows = session.exec(
        select(Action.ocg_id, Action.status, Action.completed_at).where(
            col(Action.ocg_id).in_([o.id for o in ocgs]),
            col(Action.pillar) != "pursue",
            or_(
                col(Action.status) == "open",
                and_(col(Action.status) == "done", col(Action.completed_at) >= start),
            ),
        )
    ).all()
    found = set()
    for ocg_id, status, completed in rows:
        if status == "open" or (completed and completed.date() >= since[ocg_id]):
            found.add(ocg_id)
    return found


def _no_result(session: Session, ids: list[int]) -> dict[int, int]:
    rows = session.exec(
        select(Action.ocg_id, func.count())
        .where(
            col(Action.ocg_id).in_(ids),
            Action.status == "done",
            or_(col(Action.result).is_(None), func.trim(col(Action.result)) == ""),
        )
        .group_by(col(Action.ocg_id))
    ).all()
    return dict(rows)


def _recent(session: Session, ids: list[int], since: datetime) -> set[int]:
    """OCGs with anything recorded since: an action made or changed, a disruption, a decision."""
    found: set[int] = set()
    found |= set(
        session.exec(
            select(Action.ocg_id).where(col(Action.ocg_id).in_(ids), Action.created_at >= since)
        ).all()
    )
    found |= set(
        session.exec(
            select(Action.ocg_id)
            .join(ActionChange, col(ActionChange.action_id) == Action.id)
            .where(col(Action.ocg_id).in_(ids), ActionChange.at >= since)
        ).all()
    )
    found |= set(
        session.exec(
            select(Disruption.ocg_id).where(
                col(Disruption.ocg_id).in_(ids), Disruption.recorded_at >= since
            )
        ).all()
    )
    found |= set(
        session.exec(
            select(Decision.ocg_id).where(col(Decision.ocg_id).in_(ids), Decision.at >= since)
        ).all()
    )
    return found


# -- ocg health ----------------------------------------------------------------------------------


def show_health(ctx: Context, cmd: Command) -> Reply:
    """``health [mine|area NAME|all]``: the LRO defaults to their own OCGs, others to all."""
    words = [w.lower() for w in cmd.args]
    scope = words[0] if words else None
    query = select(Ocg).where(Ocg.status == "active")
    visible = ctx.access.visible_ocg_ids(ctx.session, ctx.actor, "plan.health")
    if visible is not None:
        query = query.where(col(Ocg.id).in_(visible))
    lro_of = _lro_of(ctx)
    if scope is None:
        scope = "mine" if lro_of and visible is not None else "all"
    if scope == "mine":
        query = query.where(col(Ocg.id).in_(lro_of))
        label = "the OCGs you lead"
    elif scope == "area":
        if len(cmd.args) < 2:
            raise CommandError("Which area? e.g. `ocg health area Portsmouth`.", field="area")
        area = " ".join(cmd.args[1:])
        query = query.where(func.lower(Ocg.area) == area.lower())
        label = f"the OCGs in {area}"
    elif scope == "all":
        label = "every OCG you can see"
    else:
        raise CommandError(
            "Say `ocg health`, `ocg health mine`, `ocg health area NAME` or `ocg health all`.",
            field="scope",
        )
    ocgs = list(ctx.session.exec(query).all())
    failing = check(ctx.session, ocgs, ctx.utcnow(), ctx.today())
    items = [
        Item(
            f"{h.ocg.ref} {h.ocg.name} ({h.ocg.band}, tier {h.ocg.tier})",
            "; ".join(h.failures),
            Severity.ERROR if max(h.weights) >= WEIGHT["review overdue"] else Severity.WARNING,
        )
        for h in failing[:SHOWN]
    ]
    return Reply(
        title=f"Plan health: {len(failing)} of {len(ocgs)} plans fail a check ({label})",
        sections=[Section(items=items)] if items else [Section(text="Every plan passes.")],
        severity=Severity.WARNING if failing else Severity.SUCCESS,
        context=f"worst first; the first {SHOWN} shown" if len(failing) > SHOWN else "worst first",
    )


def _lro_of(ctx: Context) -> list[int]:
    return [o for o, roles in ctx.actor.ocg_roles.items() if "lro" in roles]


# -- the weekly nudge ----------------------------------------------------------------------------


def sweep(ctx: Context, dry_run: bool) -> list[str]:
    """Each LRO hears once a week about their own OCGs that fail a check. The key names the ISO
    week, so sweeps run hourly (or on two replicas) queue it once, and it is decided afresh from
    the store each time."""
    ocgs = list(ctx.session.exec(select(Ocg).where(Ocg.status == "active")).all())
    failing = {h.ocg.id: h for h in check(ctx.session, ocgs, ctx.utcnow(), ctx.today())}
    if not failing:
        return []
    leads = ctx.session.exec(
        select(Assignment.ocg_id, Person)
        .join(Person, col(Person.id) == Assignment.person_id)
        .where(
            col(Assignment.ocg_id).in_(list(failing)),
            Assignment.role == "lro",
            held_at(ctx.utcnow()),
            col(Person.active).is_(True),
        )
    ).all()
    per_lro: dict[int, tuple[Person, list[Health]]] = {}
    for ocg_id, person in leads:
        per_lro.setdefault(person.id or 0, (person, []))[1].append(failing[ocg_id])
    year, week, _ = ctx.today().isocalendar()
    lines, messages = [], []
    for person, health in per_lro.values():
        health.sort(key=lambda h: (h.rank, h.ocg.ref))
        lines.append(f"to @{person.handle}: {len(health)} plan(s) fail a check")
        messages.append(
            {
                "key": f"{JOB}:{year}-w{week}:p{person.id}",
                "kind": JOB,
                "person_id": person.id,
                "reply": _nudge(health),
                "render": {"ocgs": [h.ocg.id for h in health]},
            }
        )
    if not dry_run:
        ctx.notify_many(messages)  # worded again at delivery: ``render``
    return lines


def _nudge(health: list[Health]) -> Reply:
    return Reply(
        title=f"{len(health)} of your OCG plans fail a check",
        items=[Item(f"{h.ocg.ref} {h.ocg.name}", "; ".join(h.failures)) for h in health],
        context="`ocg plan <OCG>` shows what each needs; `ocg health` the list.",
        severity=Severity.WARNING,
    )


def render(
    session: Session, spec: dict[str, Any], person_id: int, clock: Clock
) -> Reply | Withdraw:
    """The weekly nudge as it reads at delivery: those of its OCGs that still fail a check and
    that the person still leads; withdrawn when none does."""
    now = clock.utcnow()
    led = session.exec(
        select(Assignment.ocg_id).where(
            col(Assignment.ocg_id).in_(spec["ocgs"]),
            Assignment.person_id == person_id,
            Assignment.role == "lro",
            held_at(now),
        )
    ).all()
    ocgs = session.exec(select(Ocg).where(col(Ocg.id).in_(led), Ocg.status == "active")).all()
    health = check(session, list(ocgs), now, clock.today())
    if not health:
        return Withdraw("every plan it named passes its checks now")
    return _nudge(sorted(health, key=lambda h: (h.rank, h.ocg.ref)))
