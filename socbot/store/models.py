"""The store's tables. Datetimes are aware UTC (SQLModel insists); calendar days (review due,
disruption date) are London dates. Every write happens inside a command or job transaction that
also writes the audit.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

ROLES = ("admin", "sro", "lro", "sio", "plead", "coordinator", "analyst", "moderator", "partner")
PILLARS = ("pursue", "prevent", "protect", "prepare", "intel")
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
    # clear | hold | build, or "" until the LRO sets one (no default to Clear: seed 001, section
    # G, has Hold and Build planned from the start). Not NULL: making the column nullable would
    # mean rebuilding on SQLite the table every other one references.
    phase: str = ""
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
        Index("ix_assignment_role", "role", "ended_at"),  # an agency's coordinators
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


class Channel(SQLModel, table=True):
    """A chat channel an admin has marked secure (``share`` is allowed there), with the highest
    classification it may carry (``socbot.channels``; none set: OFFICIAL-SENSITIVE once secure)."""

    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str
    external_id: str
    secure: bool = False
    ceiling: str | None = None  # OFFICIAL | OFFICIAL-SENSITIVE
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
    # the reply as sent (as queued until then); "render": the spec its plugin re-words it from
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    note: str | None = None  # e.g. "sent to the coordinator: no chat identity"
    created_at: datetime
    status: str = "pending"  # pending | sent | failed | withdrawn
    attempts: int = 0
    next_attempt_at: datetime
    sent_at: datetime | None = None
    face: str | None = None
    last_error: str | None = None
    # a delivery lease: which run holds the row, until when (wall clock); status "sending" while
    # it is being posted, so a killed replica leaves at most that one row in doubt
    claimed_by: str | None = None
    lease_until: datetime | None = None


class AuditEvent(SQLModel, table=True):
    """Append-only and hash-chained: each sealed row carries its predecessor's hash."""

    __table_args__ = (
        Index(
            "ix_auditevent_unsealed",
            "id",
            postgresql_where=text("hash IS NULL"),
            sqlite_where=text("hash IS NULL"),
        ),
    )

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
    # Both empty until ``audit.seal`` chains the row (commands append without a lock).
    prev_hash: str | None = None
    hash: str | None = None


class SharedState(SQLModel, table=True):
    """State every replica must agree on, until ``expires_at``: replay and event keys, a form
    card in flight, a modal's origin message, a sender's commands this minute (``hits``). Used
    through ``socbot.shared_state`` unless ``SOCBOT_REDIS_URL`` moves it to Redis."""

    key: str = Field(primary_key=True)  # "<kind>:<id>", e.g. "slack-event:Ev01"
    value: str | None = None
    hits: int = 0
    expires_at: datetime = Field(index=True)
