"""The disruptions branch's revision 0002 upgrades a store holding disruptions, on SQLite and
PostgreSQL: every row and value kept, new fields empty, the history started from what the store
knew (recorded, then the moderator's decision)."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from socbot import demo
from socbot.store.engine import alembic_config, store_versions, upgrade

OLD = "id, ocg_id, occurred_on, grade, pillar, description, status, moderation_note"


def test_revision_0002_upgrades_a_store_with_disruptions_keeping_every_row(empty_engine, make_bot):
    upgrade(empty_engine)
    demo.load(make_bot(empty_engine))
    cfg = alembic_config(empty_engine)
    command.downgrade(cfg, "disruptions_0001")  # the store as the last release left it
    assert "disruptionchange" not in inspect(empty_engine).get_table_names()
    with empty_engine.connect() as conn:
        before = conn.execute(text(f"SELECT {OLD} FROM disruption ORDER BY id")).all()
        moderated = conn.execute(
            text("SELECT count(*) FROM disruption WHERE moderated_by_id IS NOT NULL")
        ).scalar_one()
    assert before and moderated

    upgrade(empty_engine)

    assert "disruptions_0002" in store_versions(empty_engine)
    with empty_engine.connect() as conn:
        assert conn.execute(text(f"SELECT {OLD} FROM disruption ORDER BY id")).all() == before
        assert (
            conn.execute(
                text("SELECT count(*) FROM disruption WHERE prevent_level IS NOT NULL")
            ).scalar_one()
            == 0
        )
        kinds = conn.execute(
            text("SELECT kind, count(*) FROM disruptionchange GROUP BY kind ORDER BY kind")
        ).all()
        assert dict(kinds)["recorded"] == len(before)
        assert sum(n for kind, n in kinds if kind != "recorded") == moderated
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
