"""The plan plugin's tables: the 4P plan of each OCG and its written record.

The LRO guidance (seed 001, "Developing your response" and "Written records") makes the plan the
LRO's product: an aim, objectives and a lead per pillar, the intelligence requirements kept
apart, and every decision with its rationale, including what is deliberately not done.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

OBJECTIVE_STATES = ("open", "met", "partly", "missed", "dropped")
PREVENT_LEVELS = ("primary", "secondary", "tertiary")


class Plan(SQLModel, table=True):
    """One per OCG: the aim and the Hold and Build intentions, kept from the start so that a
    Clear phase already says what follows it (seed 001, "Clear, Hold, Build")."""

    ocg_id: int = Field(foreign_key="ocg.id", primary_key=True)
    aim: str | None = None
    hold: str | None = None
    build: str | None = None
    updated_at: datetime
    updated_by_id: int = Field(foreign_key="person.id")


class Objective(SQLModel, table=True):
    """A SMART objective under one pillar: what, how it is measured, by when, and how it went."""

    __table_args__ = (Index("ix_objective_ocg_pillar", "ocg_id", "pillar"),)
    id: int | None = Field(default=None, primary_key=True)
    ocg_id: int = Field(foreign_key="ocg.id")
    pillar: str
    level: str | None = None  # Prevent only: primary | secondary | tertiary
    what: str
    measure: str
    target: date | None = None
    status: str = "open"
    created_at: datetime
    by_id: int = Field(foreign_key="person.id")
    closed_at: datetime | None = None


class Decision(SQLModel, table=True):
    """One entry of the decision log. Append-only: a correction is a new entry naming the one it
    corrects (``corrects_id``), so what was decided and when stays as it was written."""

    __table_args__ = (Index("ix_decision_ocg_at", "ocg_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    ocg_id: int = Field(foreign_key="ocg.id")
    at: datetime
    by_id: int = Field(foreign_key="person.id")
    topic: str = "decision"  # decision | not | aim | phase | lead | role | score | objective ...
    pillar: str | None = None
    text: str
    rationale: str
    partner: bool = False  # written for partners: the only entries they see
    corrects_id: int | None = Field(default=None, foreign_key="decision.id")


class IntelRequirement(SQLModel, table=True):
    """An intelligence requirement, its collection plan and the response, owned by an analyst;
    kept apart from the 4Ps' actions as the guidance asks."""

    id: int | None = Field(default=None, primary_key=True)
    ocg_id: int = Field(foreign_key="ocg.id", index=True)
    requirement: str
    collection: str | None = None
    response: str | None = None
    owner_id: int = Field(foreign_key="person.id")
    status: str = "open"  # open | closed
    created_at: datetime
    by_id: int = Field(foreign_key="person.id")
    closed_at: datetime | None = None


class Target(SQLModel, table=True):
    """A part of the OCG's business model the plan sets out to attack (a cash business, a fleet
    of hire cars), by tactic category so it meets the profile and the menu of tactics."""

    id: int | None = Field(default=None, primary_key=True)
    ocg_id: int = Field(foreign_key="ocg.id", index=True)
    category: str | None = None
    text: str
    profile_fact_id: int | None = Field(default=None, foreign_key="profilefact.id")
    created_at: datetime
    by_id: int = Field(foreign_key="person.id")
    active: bool = True
