"""The disruptions plugin's tables: the disruption itself and its history of decisions and edits."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

GRADES = ("major", "moderate", "minor")
# pending: awaiting a moderator; needs_info: a moderator asked the recorder something and it
# waits for the answer; merged: the same event as another record (``merged_into_id``), never
# counted twice.
STATUSES = ("pending", "needs_info", "accepted", "rejected", "merged")
OPEN = ("pending", "needs_info")  # still to be decided: in the moderation queue
# left out of every total and chart: refused by a moderator, or counted under another record
NOT_COUNTED = ("rejected", "merged")
LEVELS = ("primary", "secondary", "tertiary")  # Prevent target groups (seed 001)
# qualitative outcomes, each a short note: option name -> column
QUALITATIVE: dict[str, str] = {
    "confidence": "community_confidence",
    "intelligence": "intelligence_flow",
    "safeguarding": "safeguarding",
    "partnership": "partnership",
}


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
    status: str = "pending"  # one of STATUSES
    moderated_by_id: int | None = Field(default=None, foreign_key="person.id")
    moderated_at: datetime | None = None
    moderation_note: str | None = None
    sensitive: bool = False  # covert work, deconfliction: the OCG's police roles only
    prevent_level: str | None = None  # one of LEVELS, for Prevent disruptions
    community_confidence: str | None = None
    intelligence_flow: str | None = None
    safeguarding: str | None = None
    partnership: str | None = None
    # the record this one duplicates: suspected when recorded (the recorder confirmed it was
    # different), or merged into by a moderator / linked by its recorder (status "merged")
    duplicate_of_id: int | None = Field(default=None, foreign_key="disruption.id")


class DisruptionChange(SQLModel, table=True):
    """One step in a disruption's life: recorded, a field edited, a moderation decision. Who,
    when, the value before and after, and why (seed 001, "Written records": decisions are kept
    with their rationale)."""

    __table_args__ = (Index("ix_disruptionchange_disruption", "disruption_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    disruption_id: int = Field(foreign_key="disruption.id")
    at: datetime
    by_id: int = Field(foreign_key="person.id")
    kind: str  # recorded | edited | accepted | needs_info | answered | rejected | merged | ...
    field: str | None = None
    before: str | None = None
    after: str | None = None
    rationale: str = ""
