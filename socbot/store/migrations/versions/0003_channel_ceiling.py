"""classification-aware channels: each channel's classification ceiling

Revision ID: 0003
Revises: 0002
Create Date: 2027-03-03 09:00:00.000000

A channel marked secure before this revision could carry anything ``share`` posted (police
views, OFFICIAL-SENSITIVE), so its ceiling is left empty, which reads as OFFICIAL-SENSITIVE
while it is secure: an upgrade changes nothing people can do until an admin lowers it.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("channel", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ceiling", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("channel", schema=None) as batch_op:
        batch_op.drop_column("ceiling")
