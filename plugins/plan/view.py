"""One OCG's plan as plain data: what ``ocg plan`` shows and ``socbot export plan`` prints.

Read in a few queries and shaped once, so chat, cards and documents cannot disagree. Partners
get ``partner_view``: only what is written for partners (decisions marked for them, the
objectives' pillars, their own agency's actions), names withheld by the core's one path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from socbot_plugins.actions.models import Action
from socbot_plugins.actions.rules import held_by
from socbot_plugins.actions.view import owner_label
from socbot_plugins.plan.models import Decision, IntelRequirement, Objective, Plan, Target
from sqlmodel import Session, col, func, select

from socbot import Assignment, Nominal, Ocg, Person
from socbot.access import Actor, sanitised, sensitive_visible
from socbot.clock import local
from socbot.people import held_at


@dataclass(frozen=True)
class ObjectiveRow:
    id: int
    what: str
    measure: str
    target: date | None
    status: str
    level: str | None = None  # Prevent: primary | secondary | tertiary


@dataclass(frozen=True)
class ActionRow:
    id: int
    text: str
    owner: str  # "@handle" or an agency
    due: date
    status: str  # open | done
    result: str | None = None
    overdue: bool = False


@dataclass(frozen=True)
class PillarPlan:
    pillar: str  # pursue | prevent | protect | prepare
    lead: str | None  # "Name (@handle)"
    objectives: list[ObjectiveRow] = field(default_factory=list)
    open_actions: list[ActionRow] = field(default_factory=list)
    done_actions: list[ActionRow] = field(default_factory=list)  # newest first, with results
    not_developed: list[str] = field(default_factory=list)  # "why", from `decide not <pillar>`


@dataclass(frozen=True)
class IntelRow:
    id: int
    requirement: str
    collection: str | None
    response: str | None
    owner: str
    status: str


@dataclass(frozen=True)
class DecisionRow:
    id: int
    at: datetime  # Europe/London
    by: str  # "@handle"
    topic: str
    pillar: str | None
    text: str
    rationale: str
    corrects: int | None = None


@dataclass(frozen=True)
class NominalRow:
    name: str
    role: str
    status: str


@dataclass(frozen=True)
class PlanData:
    ref: str
    name: str  # the partner-safe name in a partner's view
    band: str
    tier: int
    status: str
    phase: str | None
    area: str | None
    lro: str | None
    sro: str | None
    review_due: date
    last_review: date | None
    aim: str | None
    hold: str | None
    build: str | None
    pillars: list[PillarPlan]
    nominals: list[NominalRow]
    targets: list[str]  # "business: the car wash on Fratton Road"
    partners_tasked: list[str]  # agencies holding actions, with counts
    intel: list[IntelRow]
    decisions: list[DecisionRow]  # newest first
    generated_at: datetime
    partner_view: bool = False


# -- reading one plan ----------------------------------------------------------------------------

PILLARS4 = ("pursue", "prevent", "protect", "prepare")
DONE_SHOWN = 5
ROLE_ORDER = {"principal": 0, "significant": 1, "peripheral": 2}


def load(
    session: Session,
    actor: Actor,
    ocg: Ocg,
    now: datetime,
    *,
    decisions: int | None = 10,
) -> PlanData:
    """``ocg``'s plan as ``actor`` may read it (``now`` aware, Europe/London). ``decisions``
    caps the log (None: all of it, for documents)."""
    partner = sanitised(actor)
    plan = session.get(Plan, ocg.id)
    holders = _holders(session, ocg.id or 0, now)
    not_done = _decisions(session, ocg, partner, None, topic="not")
    pillars = [
        PillarPlan(
            pillar=p,
            lead=None if partner else holders.get(("plead", p)) or _sio(holders, p),
            objectives=[] if partner else _objectives(session, ocg, p),
            open_actions=_actions(session, actor, ocg, p, now, done=False),
            done_actions=_actions(session, actor, ocg, p, now, done=True),
            not_developed=[f"{d.text} (because {d.rationale})" for d in not_done if d.pillar == p],
        )
        for p in PILLARS4
    ]
    return PlanData(
        ref=ocg.ref,
        name=(ocg.partner_name or ocg.ref) if partner else ocg.name,
        band=ocg.band,
        tier=ocg.tier,
        status=ocg.status,
        phase=ocg.phase,
        area=ocg.area,
        lro=holders.get(("lro", None)),
        sro=holders.get(("sro", None)),
        review_due=ocg.next_review_due,
        last_review=ocg.last_review_on,
        aim=None if partner or plan is None else plan.aim,
        hold=None if partner or plan is None else plan.hold,
        build=None if partner or plan is None else plan.build,
        pillars=pillars,
        nominals=[] if partner else _nominals(session, ocg),
        targets=[] if partner else _targets(session, ocg),
        partners_tasked=_partners_tasked(session, actor, ocg),
        intel=[] if partner else _intel(session, ocg),
        decisions=_decisions(session, ocg, partner, decisions),
        generated_at=now,
        partner_view=partner,
    )


def _holders(session: Session, ocg_id: int, now: datetime) -> dict[tuple[str, str | None], str]:
    rows = session.exec(
        select(Assignment.role, Assignment.pillar, Person.name, Person.handle)
        .join(Person, col(Person.id) == Assignment.person_id)
        .where(Assignment.ocg_id == ocg_id, held_at(now))
        .order_by(col(Assignment.started_at))
    ).all()
    return {(role, pillar): f"{name} (@{handle})" for role, pillar, name, handle in rows}


def _sio(holders: dict[tuple[str, str | None], str], pillar: str) -> str | None:
    """The SIO leads Pursue unless someone else was named (seed 001, "Delegate")."""
    return holders.get(("sio", None)) if pillar == "pursue" else None


def _objectives(session: Session, ocg: Ocg, pillar: str) -> list[ObjectiveRow]:
    rows = session.exec(
        select(Objective)
        .where(Objective.ocg_id == ocg.id, Objective.pillar == pillar)
        .order_by(col(Objective.status) != "open", col(Objective.id))
    ).all()
    return [ObjectiveRow(o.id or 0, o.what, o.measure, o.target, o.status, o.level) for o in rows]


def _actions(
    session: Session, actor: Actor, ocg: Ocg, pillar: str, now: datetime, *, done: bool
) -> list[ActionRow]:
    query = (
        select(Action, Person)
        .join(Person, col(Person.id) == Action.owner_id, isouter=True)
        .where(
            Action.ocg_id == ocg.id,
            Action.pillar == pillar,
            Action.status == ("done" if done else "open"),
            sensitive_visible(actor, col(Action.sensitive), col(Action.ocg_id)),
        )
    )
    if sanitised(actor):
        query = query.where(held_by(actor))
    if done:
        query = query.order_by(col(Action.completed_at).desc()).limit(DONE_SHOWN)
    else:
        query = query.order_by(col(Action.due_at))
    today = now.date()
    return [
        ActionRow(
            id=a.id or 0,
            text=a.description,
            owner=owner_label(p, a.owner_agency),
            due=local(a.due_at).date(),
            status=a.status,
            result=a.result,
            overdue=not done and local(a.due_at).date() < today,
        )
        for a, p in session.exec(query).all()
    ]


def _nominals(session: Session, ocg: Ocg) -> list[NominalRow]:
    rows = session.exec(
        select(Nominal).where(
            Nominal.ocg_id == ocg.id, col(Nominal.status).not_in(("left", "deceased"))
        )
    ).all()
    rows = sorted(rows, key=lambda n: (ROLE_ORDER.get(n.role, 3), n.name))
    return [NominalRow(n.name, n.role, n.status) for n in rows]


def _targets(session: Session, ocg: Ocg) -> list[str]:
    rows = session.exec(
        select(Target)
        .where(Target.ocg_id == ocg.id, col(Target.active).is_(True))
        .order_by(col(Target.id))
    ).all()
    return [
        (f"{t.category}: {t.text}" if t.category else t.text)
        + (" (from the profile)" if t.profile_fact_id else "")
        for t in rows
    ]


def _partners_tasked(session: Session, actor: Actor, ocg: Ocg) -> list[str]:
    """Agencies other than the police holding open actions, with how many."""
    agency = func.coalesce(Action.owner_agency, Person.agency)
    query = (
        select(agency, func.count())
        .select_from(Action)
        .join(Person, col(Person.id) == Action.owner_id, isouter=True)
        .where(
            Action.ocg_id == ocg.id,
            Action.status == "open",
            func.lower(agency) != "police",
            sensitive_visible(actor, col(Action.sensitive), col(Action.ocg_id)),
        )
        .group_by(agency)
        .order_by(agency)
    )
    return [f"{name} ({n} open)" for name, n in session.exec(query).all()]


def _intel(session: Session, ocg: Ocg) -> list[IntelRow]:
    rows = session.exec(
        select(IntelRequirement, Person.handle)
        .join(Person, col(Person.id) == IntelRequirement.owner_id)
        .where(IntelRequirement.ocg_id == ocg.id)
        .order_by(col(IntelRequirement.status) != "open", col(IntelRequirement.id))
    ).all()
    return [
        IntelRow(r.id or 0, r.requirement, r.collection, r.response, f"@{handle}", r.status)
        for r, handle in rows
    ]


def _decisions(
    session: Session, ocg: Ocg, partner: bool, limit: int | None, *, topic: str | None = None
) -> list[DecisionRow]:
    query = (
        select(Decision, Person.handle)
        .join(Person, col(Person.id) == Decision.by_id)
        .where(Decision.ocg_id == ocg.id)
    )
    if partner:
        query = query.where(col(Decision.partner).is_(True))
    if topic:
        query = query.where(Decision.topic == topic)
    query = query.order_by(col(Decision.at).desc(), col(Decision.id).desc())
    if limit is not None:
        query = query.limit(limit)
    return [
        DecisionRow(
            d.id or 0,
            local(d.at),
            "" if partner else f"@{handle}",
            d.topic,
            d.pillar,
            d.text,
            d.rationale,
            d.corrects_id,
        )
        for d, handle in session.exec(query).all()
    ]
