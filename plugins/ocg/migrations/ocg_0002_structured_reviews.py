"""structured reviews: progress per pillar, disruptions since the last

Revision ID: ocg_0002
Revises: ocg_0001
Create Date: 2026-11-26 17:26:42

A review keeps what it found in each pillar (JSON, pillar -> text) and the count of disruptions
since the review before it; reviews recorded earlier keep both empty.

An OCG's phase is not changed here: "not set yet" is the empty string in the existing
column (see ``socbot.store.models.Ocg.phase``), so existing rows keep the phase they hold.
"""

import sqlalchemy as sa
from alembic import op

revision = "ocg_0002"
down_revision = "ocg_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("progress", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("disruptions", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_column("disruptions")
        batch_op.drop_column("progress")
