"""One OCG's plan as plain data: what ``ocg plan`` shows and ``socbot export plan`` prints.

Read in a few queries and shaped once, so chat, cards and documents cannot disagree. Partners
get ``partner_view``: only what is written for partners (decisions marked for them, the
objectives' pillars, their own agency's actions), names withheld by the core's one path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


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
