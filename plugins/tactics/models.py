"""The tactics plugin's table: what is known of an OCG's business, vehicles, lifestyle."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class ProfileFact(SQLModel, table=True):
    """What is known of an OCG's business, vehicles, lifestyle...: feeds tactic suggestions."""

    id: int | None = Field(default=None, primary_key=True)
    ocg_id: int = Field(foreign_key="ocg.id", index=True)
    category: str
    fact: str
    added_by_id: int = Field(foreign_key="person.id")
    added_at: datetime
