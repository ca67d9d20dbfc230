"""papers: scheduled papers

The plugin's own alembic branch (label ``papers``): ``paperschedule``, one row per paper posted
to a channel on a rule (``ocg schedule``).

Revision ID: papers_0001
Revises: 0002
Create Date: 2026-11-26 22:55:00
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "papers_0001"
down_revision = "0002"
branch_labels = ("papers",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "paperschedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper", AutoString(), nullable=False),
        sa.Column("rule", AutoString(), nullable=False),
        sa.Column("channel", AutoString(), nullable=False),
        sa.Column("area", AutoString(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("paperschedule")
