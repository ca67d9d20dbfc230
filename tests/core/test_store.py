from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

from socbot.store import HEAD
from socbot.store.engine import alembic_config, tables_for, upgrade
from socbot.store.tables import CORE


def test_migrations_build_every_table_from_empty(any_engine):
    tables = set(inspect(any_engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    upgrade(any_engine)  # a second upgrade is a no-op


def test_models_and_migrations_agree(any_engine):
    with any_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_every_table_is_registered_by_the_core_or_a_plugin():
    registered = {m.__table__.name for t in tables_for(None) for m in t.models}
    assert registered == set(SQLModel.metadata.tables)


def test_head_constant_matches_the_newest_core_migration(engine):
    script = ScriptDirectory.from_config(alembic_config(engine, [CORE]))
    assert script.get_current_head() == HEAD
