"""plan: a target may name the profile fact it attacks

A business-model target ("the car wash") is often a fact already in the OCG's profile (the
tactics plugin's ``profilefact``, made by the core's first revisions): the link lets the plan
show it and keeps the two from drifting apart. Existing targets keep no link.

Revision ID: plan_0002
Revises: plan_0001
Create Date: 2026-11-26 18:14:22
"""

import sqlalchemy as sa
from alembic import op

revision = "plan_0002"
down_revision = "plan_0001"
branch_labels = None
depends_on = None

FK = "fk_target_profile_fact_id_profilefact"


def upgrade() -> None:
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.add_column(sa.Column("profile_fact_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(FK, "profilefact", ["profile_fact_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.drop_column("profile_fact_id")
