"""audit rows appended unsealed: hash and prev_hash empty until the sealer chains them

Revision ID: 0005_audit_unsealed
Revises: 0004_shared_state
Create Date: 2027-03-10 09:00:00.000000

Commands no longer take the trail's lock; ``socbot.audit.seal`` fills both columns in id order.
Existing rows are all sealed already. A partial index finds the unsealed rows cheaply.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005_audit_unsealed"
down_revision = "0004_shared_state"
branch_labels = None
depends_on = None

_UNSEALED = sa.text("hash IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        for name in ("prev_hash", "hash"):
            batch_op.alter_column(
                name, existing_type=sqlmodel.sql.sqltypes.AutoString(), nullable=True
            )
    op.create_index(
        "ix_auditevent_unsealed",
        "auditevent",
        ["id"],
        postgresql_where=_UNSEALED,
        sqlite_where=_UNSEALED,
    )


def downgrade() -> None:
    """Seal every waiting row first (gaps taken as rolled back): the old schema has no room
    for an unsealed row."""
    from sqlmodel import Session

    from socbot import audit

    session = Session(bind=op.get_bind())
    while audit.seal_locked(session, grace=0) == audit.SEAL_BATCH:
        pass
    session.flush()
    op.drop_index("ix_auditevent_unsealed", table_name="auditevent")
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        for name in ("prev_hash", "hash"):
            batch_op.alter_column(
                name, existing_type=sqlmodel.sql.sqltypes.AutoString(), nullable=False
            )
