"""assignment role index: a role's holders (an agency's coordinators) without a scan

Revision ID: 0007_assignment_role
Revises: 0006_outbox_lease
Create Date: 2027-03-12 09:00:00.000000

Finding an agency's coordinators (who chases an action nobody at that agency has taken, and
every digest) read the whole assignment and person tables: 12 ms on PostgreSQL for a national
force, on each of those commands.
"""

from alembic import op

revision = "0007_assignment_role"
down_revision = "0006_outbox_lease"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_assignment_role", "assignment", ["role", "ended_at"])


def downgrade() -> None:
    op.drop_index("ix_assignment_role", table_name="assignment")
