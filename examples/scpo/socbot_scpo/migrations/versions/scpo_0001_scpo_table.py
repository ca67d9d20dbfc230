"""scpo: the scpo table

The plugin's own alembic branch (label ``scpo``), starting from the core's 0002, so that
``socbot db upgrade`` creates it beside the core's tables and the core's later migrations never
need to know about it.

Revision ID: scpo_0001
Revises: 0002
Create Date: 2027-03-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "scpo_0001"
down_revision = "0002"
branch_labels = ("scpo",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scpo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ocg_id", sa.Integer(), nullable=False),
        sa.Column("nominal_id", sa.Integer(), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("conditions", AutoString(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ocg_id"], ["ocg.id"]),
        sa.ForeignKeyConstraint(["nominal_id"], ["nominal.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("scpo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scpo_ocg_id"), ["ocg_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scpo_nominal_id"), ["nominal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scpo_expires_on"), ["expires_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scpo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scpo_expires_on"))
        batch_op.drop_index(batch_op.f("ix_scpo_nominal_id"))
        batch_op.drop_index(batch_op.f("ix_scpo_ocg_id"))
    op.drop_table("scpo")
