"""outbox lease: which delivery run holds a row, and until when

Revision ID: 0006_outbox_lease
Revises: 0005_audit_unsealed
Create Date: 2027-03-11 09:00:00.000000

Rows pending at upgrade time have no lease (free to claim), so nothing needs copying.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006_outbox_lease"
down_revision = "0005_audit_unsealed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("lease_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("claimed_by")
