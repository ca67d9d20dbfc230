"""actions: the plugin's own branch starts

Revision ID: actions_0001
Revises: 0002
Create Date: 2027-03-03 09:00:00

Its tables (action, actionchange) were made by the core's revisions 0001 and 0002,
before plugins owned tables, and stores already hold them: this base only opens the branch,
so a store at 0002 upgrades without touching a row. Later changes to them revise "actions_0001".
"""

revision = "actions_0001"
down_revision = "0002"
branch_labels = ("actions",)
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
