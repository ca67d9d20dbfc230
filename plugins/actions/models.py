"""The actions plugin's tables: actions and every change made to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel


class Action(SQLModel, table=True):
    __table_args__ = (
        # due_at last: "mine" and "this OCG's" lists come out in due order, and their overdue
        # counts stay inside one owner's or OCG's rows (without it SQLite walked every open
        # action through ix_action_open_due: 50-190 ms at national scale, see docs/performance.md)
        Index("ix_action_open_due", "status", "due_at"),
        Index("ix_action_owner_status_due", "owner_id", "status", "due_at"),
        Index("ix_action_ocg_status_due", "ocg_id", "status", "due_at"),
        # what a partner's agency holds (``rules.held_by`` matches agencies in any case): without
        # it every partner reply and outbox message walked all 250,000 actions (39 ms on SQLite)
        Index("ix_action_agency", text("lower(owner_agency)")),
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
    # the due date its owner pressed "Seen" on (``ocg seen``): no reminders until it moves
    seen_due_at: datetime | None = None
    sensitive: bool = False  # covert work, deconfliction: the OCG's police roles only


class ActionChange(SQLModel, table=True):
    """Every change to an action's due date, owner or state, with the reason given."""

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    at: datetime
    by_id: int = Field(foreign_key="person.id")
    kind: str  # created | snooze | reassign | take | done | cancel | seen
    old_due: datetime | None = None
    new_due: datetime | None = None
    old_owner: str | None = None
    new_owner: str | None = None
    reason: str | None = None
