"""shared state: one table for replay keys, modal origins, form cards in flight and rate windows

Revision ID: 0004_shared_state
Revises: 0003
Create Date: 2027-03-10 09:00:00.000000

Replaces ``seenrequest`` and ``ratewindow`` (both short-lived: the longest entry lived ten
minutes), so nothing is copied: after an upgrade a replay within ten minutes of it could pass
once, as after a restart of a single replica before, and rate windows start afresh.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_shared_state"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sharedstate",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("sharedstate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sharedstate_expires_at"), ["expires_at"], unique=False)
    with op.batch_alter_table("seenrequest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seenrequest_expires_at"))
    op.drop_table("seenrequest")
    op.drop_table("ratewindow")


def downgrade() -> None:
    op.create_table(
        "ratewindow",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("window_start", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "seenrequest",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("seenrequest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seenrequest_expires_at"), ["expires_at"], unique=False)
    with op.batch_alter_table("sharedstate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharedstate_expires_at"))
    op.drop_table("sharedstate")
