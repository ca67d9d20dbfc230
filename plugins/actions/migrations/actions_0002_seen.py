"""actions: an owner acknowledges a reminder ("Seen")

Revision ID: actions_0002
Revises: actions_0001
Create Date: 2027-03-03 09:00:00

``action.seen_due_at`` keeps the due date the owner said "seen" to: reminders stop until the
due date moves. Existing actions have none, so they are reminded as before.
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

revision = "actions_0002"
down_revision = "actions_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seen_due_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    # Not batch mode: on SQLite it would copy the table, which others reference (a foreign key
    # from disruption.action_id stops the drop). Both databases drop a column in place.
    op.execute("ALTER TABLE action DROP COLUMN seen_due_at")
