"""The OCG plugin's tables: reviews, and what CSV imports last wrote."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class Review(SQLModel, table=True):
    """A scheduled or trigger review: progress per pillar, every score change with the
    rationale, the disruptions since the last review and the next review date. ``reviewed_on``
    is the day it was held; ``recorded_at`` when it was entered."""

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
    # What the review found in each pillar (pursue, prevent, protect, prepare -> text), and how
    # many disruptions had been recorded since the review before it. Empty on reviews recorded
    # before reviews were structured.
    progress: dict[str, str] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )
    disruptions: int | None = None


class ImportedValue(SQLModel, table=True):
    """The value a CSV import last wrote to one field of an OCG. A re-import finding the field
    different knows it was changed in chat since, and will not silently undo that change."""

    __table_args__ = (UniqueConstraint("ocg_id", "field"),)
    id: int | None = Field(default=None, primary_key=True)
    ocg_id: int = Field(foreign_key="ocg.id", index=True)
    field: str
    value: str | None = None
    imported_at: datetime
