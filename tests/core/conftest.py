"""Stores for the migration tests: an empty one (SQLite and PostgreSQL) and a third-party
plugin's migrations folder, as ``examples/scpo`` ships one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from socbot.store.engine import make_engine

BRANCH_BASE = """
import sqlalchemy as sa
from alembic import op

revision = "scpo_0001"
down_revision = "0002"
branch_labels = ("scpo",)
depends_on = None


def upgrade():
    op.create_table(
        "seizure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ocg_ref", sa.String(), nullable=False),
        sa.Column("value_pence", sa.Integer(), nullable=False),
    )
    op.create_index("ix_seizure_ocg_ref", "seizure", ["ocg_ref"])


def downgrade():
    op.drop_table("seizure")
"""


@pytest.fixture
def scpo_migrations(tmp_path) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "scpo_migrations"
    folder.mkdir()
    (folder / "scpo_0001_seizures.py").write_text(BRANCH_BASE)
    return folder


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request, tmp_path):  # type: ignore[no-untyped-def]
    """A store with no tables yet, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    elif not (url := os.environ.get("SOCBOT_TEST_DATABASE_URL")):
        pytest.skip("PostgreSQL tests need SOCBOT_TEST_DATABASE_URL (CI sets it)")
    else:
        eng = make_engine(url)
        with eng.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"))
    yield eng
    eng.dispose()
