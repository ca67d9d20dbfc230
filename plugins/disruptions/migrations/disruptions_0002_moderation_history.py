"""disruptions: moderation as a workflow, a history of every step, right-first-time fields

A disruption's history (``disruptionchange``: recorded, edited, each moderation decision, with
who, when, the value before and after, and why); a Prevent level; four qualitative outcomes
with a short note each; the record a disruption duplicates. Existing disruptions keep every
value; their history starts with what the store already knew (who recorded them and when, and
the moderator's decision with its note), so ``disruption <id> history`` is never empty.

Revision ID: disruptions_0002
Revises: disruptions_0001
Create Date: 2026-11-26 18:55:18
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "disruptions_0002"
down_revision = "disruptions_0001"
branch_labels = None
depends_on = None

FK = "fk_disruption_duplicate_of_id_disruption"
NOTES = ("community_confidence", "intelligence_flow", "safeguarding", "partnership")


def upgrade() -> None:
    op.create_table(
        "disruptionchange",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disruption_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("kind", AutoString(), nullable=False),
        sa.Column("field", AutoString(), nullable=True),
        sa.Column("before", AutoString(), nullable=True),
        sa.Column("after", AutoString(), nullable=True),
        sa.Column("rationale", AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["disruption_id"], ["disruption.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("disruptionchange", schema=None) as batch_op:
        batch_op.create_index("ix_disruptionchange_disruption", ["disruption_id", "id"])

    with op.batch_alter_table("disruption", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prevent_level", AutoString(), nullable=True))
        for name in NOTES:
            batch_op.add_column(sa.Column(name, AutoString(), nullable=True))
        batch_op.add_column(sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(FK, "disruption", ["duplicate_of_id"], ["id"])

    # the history so far: recorded, then the decision if one was made
    op.execute(
        "INSERT INTO disruptionchange (disruption_id, at, by_id, kind, field, before, after, "
        "rationale) SELECT id, recorded_at, recorded_by_id, 'recorded', NULL, NULL, grade, '' "
        "FROM disruption ORDER BY id"
    )
    op.execute(
        "INSERT INTO disruptionchange (disruption_id, at, by_id, kind, field, before, after, "
        "rationale) SELECT id, moderated_at, moderated_by_id, status, 'status', 'pending', "
        "status, COALESCE(moderation_note, '') FROM disruption "
        "WHERE moderated_by_id IS NOT NULL AND moderated_at IS NOT NULL ORDER BY id"
    )


def downgrade() -> None:
    # the history goes first: it points at the disruptions that the batch below rebuilds
    with op.batch_alter_table("disruptionchange", schema=None) as batch_op:
        batch_op.drop_index("ix_disruptionchange_disruption")
    op.drop_table("disruptionchange")
    with op.batch_alter_table("disruption", schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.drop_column("duplicate_of_id")
        for name in reversed(NOTES):
            batch_op.drop_column(name)
        batch_op.drop_column("prevent_level")
