"""The plugin's one table: an SCPO made against one of an OCG's nominals."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel


class Scpo(SQLModel, table=True):
    """A Serious Crime Prevention Order. ``ocg_id`` is kept beside the nominal's own so that
    need-to-know is checked on the OCG, as for everything else in socbot."""

    __tablename__ = "scpo"

    id: int | None = Field(default=None, primary_key=True)
    ocg_id: int = Field(foreign_key="ocg.id", index=True)
    nominal_id: int = Field(foreign_key="nominal.id", index=True)
    made_on: date
    expires_on: date = Field(index=True)
    conditions: str
    recorded_by_id: int = Field(foreign_key="person.id")
    recorded_at: datetime
