from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

from socbot.store import HEAD
from socbot.store.engine import alembic_config, upgrade


def test_migrations_build_every_table_from_empty(any_engine):
    tables = set(inspect(any_engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    upgrade(any_engine)  # a second upgrade is a no-op


def test_models_and_migrations_agree(any_engine):
    with any_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_head_constant_matches_the_newest_migration(engine):
    assert ScriptDirectory.from_config(alembic_config(engine)).get_current_head() == HEAD
