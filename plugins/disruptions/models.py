"""The disruptions plugin's table and grades."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

GRADES = ("major", "moderate", "minor")


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
