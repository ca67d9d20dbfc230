"""actions: an index on the agency that holds an action, in any case

Revision ID: actions_0003
Revises: actions_0002
Create Date: 2027-03-03 09:00:00

``rules.held_by`` finds a partner agency's actions by ``lower(owner_agency)``; without an index
on that expression every partner reply and every outbox message to a partner read the whole
action table.
"""

import sqlalchemy as sa
from alembic import op

revision = "actions_0003"
down_revision = "actions_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_action_agency", "action", [sa.text("lower(owner_agency)")])


def downgrade() -> None:
    op.drop_index("ix_action_agency", table_name="action")
