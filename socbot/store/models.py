"""The store's tables. Datetimes are aware UTC (SQLModel insists); calendar days (review due,
disruption date) are London dates. Every write happens inside a command or job transaction that
also writes the audit.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

ROLES = ("admin", "sro", "lro", "sio", "plead", "coordinator", "analyst", "moderator", "partner")
PILLARS = ("pursue", "prevent", "protect", "prepare", "intel")
GRADES = ("major", "moderate", "minor")
PHASES = ("clear", "hold", "build")
NOMINAL_ROLES = ("principal", "significant", "peripheral")
REVIEW_MONTHS = {1: 1, 2: 3, 3: 3, 4: 6}
BANDS = tuple(f"{n}{c}" for n in range(1, 6) for c in "ABC")


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    handle: str = Field(unique=True, index=True)  # lower case, no @
    name: str
    agency: str = Field(default="Police", index=True)
    email: str | None = Field(default=None, index=True)  # lower case
    area: str | None = None
    active: bool = True
    created_at: datetime


class Identity(SQLModel, table=True):
    """A person's stable id on a platform (Slack ``U...``, Teams AAD object id)."""

    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    platform: str  # slack | teams
    external_id: str
    conversation: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    linked_at: datetime


class Ocg(SQLModel, table=True):
    # Lists and review alerts ask for active OCGs by review date: one range in this index (on
    # status alone SQLite walked every active OCG, see docs/performance.md).
    __table_args__ = (Index("ix_ocg_status_review_due", "status", "next_review_due"),)
    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(unique=True)  # OCG-0042
    name: str
    name_key: str = Field(index=True)  # lower-cased name, for prefix search
    partner_name: str | None = None  # the partner-safe name shown in sanitised views
    band: str = Field(index=True)  # 1A..5C: string order is threat order
    morile: float | None = None
    morile_date: date | None = None
    pmech: str | None = None  # P1..P4
    tier: int = 4
    phase: str = "clear"
    area: str | None = Field(default=None, index=True)
    status: str = "active"  # active | archived | closed
    notes: str | None = None  # intelligence summary: never shown to partners
    created_at: datetime
    last_review_on: date | None = None
    next_review_due: date = Field(index=True)


class OcgAlias(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("ocg_id", "alias_key"),)
    id: int | None = Field(default=None, primary_key=True)
    ocg_id: int = Field(foreign_key="ocg.id", index=True)
    alias: str
    alias_key: str = Field(index=True)


class Assignment(SQLModel, table=True):
    """A role held by a person, force-wide (``ocg_id`` empty) or on one OCG, for a time.

    A hand-over ends one row and starts another, so who held the role when stays on record.
    """

    __table_args__ = (
        Index("ix_assignment_person_active", "person_id", "ended_at"),
        Index("ix_assignment_ocg_active", "ocg_id", "ended_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    role: str
    ocg_id: int | None = Field(default=None, foreign_key="ocg.id")
    pillar: str | None = None  # for P leads
    started_at: datetime
    ended_at: datetime | None = None
    granted_by_id: int | None = Field(default=None, foreign_key="person.id")


class Nominal(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ocg_id: int = Field(foreign_key="ocg.id", index=True)
    name: str
    role: str = "peripheral"  # principal | significant | peripheral
    status: str = "active"  # active | remanded | convicted | deceased | left
    address: str | None = None


class Action(SQLModel, table=True):
    __table_args__ = (
        # due_at last: "mine" and "this OCG's" lists come out in due order, and their overdue
        # counts stay inside one owner's or OCG's rows (without it SQLite walked every open
        # action through ix_action_open_due: 50-190 ms at national scale, see docs/performance.md)
        Index("ix_action_open_due", "status", "due_at"),
        Index("ix_action_owner_status_due", "owner_id", "status", "due_at"),
        Index("ix_action_ocg_status_due", "ocg_id", "status", "due_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    ocg_id: int = Field(foreign_key="ocg.id")
    pillar: str
    description: str
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    owner_agency: str | None = None  # set while an agency (its coordinator) owns it
    tactic_id: str | None = None
    created_by_id: int = Field(foreign_key="person.id")
    created_at: datetime
    due_at: datetime
    status: str = "open"  # open | done | cancelled
    result: str | None = None
    completed_by_id: int | None = Field(default=None, foreign_key="person.id")
    completed_at: datetime | None = None
    last_nudged_at: datetime | None = None
    nudge_count: int = 0
    sensitive: bool = False  # covert work, deconfliction: the OCG's police roles only


class ActionChange(SQLModel, table=True):
    """Every change to an action's due date, owner or state, with the reason given."""

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    at: datetime
    by_id: int = Field(foreign_key="person.id")
    kind: str  # created | snooze | reassign | take | done | cancel
    old_due: datetime | None = None
    new_due: datetime | None = None
    old_owner: str | None = None
    new_owner: str | None = None
    reason: str | None = None


class Disruption(SQLModel, table=True):
    __table_args__ = (
        Index("ix_disruption_ocg_date", "ocg_id", "occurred_on"),
        Index("ix_disruption_status", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    ocg_id: int = Field(foreign_key="ocg.id")
    occurred_on: date
    grade: str
    pillar: str
    description: str
    arrests: int = 0
    charged: int = 0
    warrants: int = 0
    cash_pence: int = 0
    assets_pence: int = 0
    drugs: str | None = None
    vehicles: int = 0
    orders: int = 0
    safeguarded: int = 0
    nominal_id: int | None = Field(default=None, foreign_key="nominal.id")
    tactic_id: str | None = None
    action_id: int | None = Field(default=None, foreign_key="action.id")
    recorded_by_id: int = Field(foreign_key="person.id")
    recorded_at: datetime
    status: str = "pending"  # pending | accepted | rejected
    moderated_by_id: int | None = Field(default=None, foreign_key="person.id")
    moderated_at: datetime | None = None
    moderation_note: str | None = None
    sensitive: bool = False  # covert work, deconfliction: the OCG's police roles only


class Review(SQLModel, table=True):
    """A scheduled or trigger review, with every score change and the rationale."""

    __table_args__ = (Index("ix_review_ocg_date", "ocg_id", "reviewed_on"),)
    id: int | None = Field(default=None, primary_key=True)
    ocg_id: int = Field(foreign_key="ocg.id")
    reviewed_on: date
    recorded_at: datetime
    by_id: int = Field(foreign_key="person.id")
    kind: str = "scheduled"  # scheduled | trigger
    notes: str = ""
    band_before: str | None = None
    band_after: str | None = None
    tier_before: int | None = None
    tier_after: int | None = None
    morile_before: float | None = None
    morile_after: float | None = None
    pmech_before: str | None = None
    pmech_after: str | None = None
    next_due: date


class ProfileFact(SQLModel, table=True):
    """What is known of an OCG's business, vehicles, lifestyle...: feeds tactic suggestions."""

    id: int | None = Field(default=None, primary_key=True)
    ocg_id: int = Field(foreign_key="ocg.id", index=True)
    category: str
    fact: str
    added_by_id: int = Field(foreign_key="person.id")
    added_at: datetime


class Channel(SQLModel, table=True):
    """A chat channel an admin has marked secure (``share`` is allowed there)."""

    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str
    external_id: str
    secure: bool = False
    marked_by_id: int | None = Field(default=None, foreign_key="person.id")
    marked_at: datetime | None = None


class Outbox(SQLModel, table=True):
    """A message to send. ``key`` is unique: deciding twice cannot send twice."""

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    kind: str  # nudge | digest | review-alert | escalation | moderation | ...
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    channel: str | None = None
    ocg_id: int | None = Field(default=None, foreign_key="ocg.id")
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    note: str | None = None  # e.g. "sent to the coordinator: no chat identity"
    created_at: datetime
    status: str = "pending"  # pending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime
    sent_at: datetime | None = None
    face: str | None = None
    last_error: str | None = None


class AuditEvent(SQLModel, table=True):
    """Append-only and hash-chained: each row carries its predecessor's hash."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor_id: int | None = None
    actor: str  # handle, or the platform id of an unknown user
    face: str
    channel: str | None = None
    action: str  # command verb, "outbox", "admin", job name
    text: str  # command text, secrets stripped
    ocg_ref: str | None = Field(default=None, index=True)
    outcome: str  # ok | user-error | refused | error
    detail: str | None = None
    prev_hash: str
    hash: str


class SeenRequest(SQLModel, table=True):
    """A signed request or platform event already taken, until ``expires_at``: a replay (or a
    retry reaching another replica) is refused because every replica checks this one table."""

    key: str = Field(primary_key=True)  # e.g. "slack:<sha256 of the signature>"
    expires_at: datetime = Field(index=True)


class RateWindow(SQLModel, table=True):
    """How many commands one sender made in the current minute, shared between replicas."""

    key: str = Field(primary_key=True)  # platform:id
    window_start: datetime
    hits: int = 0


class ImportedValue(SQLModel, table=True):
    """The value a CSV import last wrote to one field of an OCG. A re-import finding the field
    different knows it was changed in chat since, and will not silently undo that change."""

    __table_args__ = (UniqueConstraint("ocg_id", "field"),)
    id: int | None = Field(default=None, primary_key=True)
    ocg_id: int = Field(foreign_key="ocg.id", index=True)
    field: str
    value: str | None = None
    imported_at: datetime
