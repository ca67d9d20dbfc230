"""The nominals plugin's tables: the other names a nominal is known by, and the actions that
target them.

The nominals themselves are the core's ``Nominal`` (the demo force and the withholding rules
need them). A disruption names its nominal in its own ``nominal_id`` (``disrupt ...
nominal=``); an action has no such column, so the link is kept here, and an action may target
several nominals.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class NominalAlias(SQLModel, table=True):
    """A street name or nickname ("Daz"): found by ``nominal=`` like the name, and withheld from
    partners like the name, in everything they read, written before or after it was added."""

    __tablename__ = "nominal_alias"
    __table_args__ = (UniqueConstraint("nominal_id", "alias_key"),)
    id: int | None = Field(default=None, primary_key=True)
    nominal_id: int = Field(foreign_key="nominal.id")
    alias: str
    alias_key: str = Field(index=True)  # lower case, spaces collapsed: what lookups compare
    added_at: datetime
    by_id: int | None = Field(default=None, foreign_key="person.id")  # None: an import or demo


class NominalAction(SQLModel, table=True):
    """An action aimed at a nominal (``action ... nominal=``, ``nominal link ... action``)."""

    __tablename__ = "nominal_action"
    __table_args__ = (UniqueConstraint("nominal_id", "action_id"),)
    id: int | None = Field(default=None, primary_key=True)
    nominal_id: int = Field(foreign_key="nominal.id")
    action_id: int = Field(foreign_key="action.id", index=True)
    linked_at: datetime
    by_id: int = Field(foreign_key="person.id")
