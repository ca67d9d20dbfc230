"""nominals: the nominal_alias and nominal_action tables

The plugin's own alembic branch (label ``nominals``), starting from the core's 0002. The
nominals themselves are the core's table (``nominal``, revision 0001); this plugin adds the
names they are known by and the actions aimed at them (a disruption has its own
``nominal_id``).

Revision ID: nominals_0001
Revises: 0002
Create Date: 2027-03-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "nominals_0001"
down_revision = "0002"
branch_labels = ("nominals",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nominal_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nominal_id", sa.Integer(), nullable=False),
        sa.Column("alias", AutoString(), nullable=False),
        sa.Column("alias_key", AutoString(), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["nominal_id"], ["nominal.id"]),
        sa.ForeignKeyConstraint(["by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nominal_id", "alias_key"),
    )
    with op.batch_alter_table("nominal_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nominal_alias_alias_key"), ["alias_key"], unique=False)
    op.create_table(
        "nominal_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nominal_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", UTCDateTime(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["nominal_id"], ["nominal.id"]),
        sa.ForeignKeyConstraint(["action_id"], ["action.id"]),
        sa.ForeignKeyConstraint(["by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nominal_id", "action_id"),
    )
    with op.batch_alter_table("nominal_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_nominal_action_action_id"), ["action_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("nominal_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nominal_action_action_id"))
    op.drop_table("nominal_action")
    with op.batch_alter_table("nominal_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nominal_alias_alias_key"))
    op.drop_table("nominal_alias")
