import psycopg
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel

from socbot.identify import Who
from socbot.store import HEAD
from socbot.store import engine as engine_module
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


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_pooled_connection_killed_while_idle_is_replaced_before_use(
    make_bot, pg_engine, monkeypatch
) -> None:
    """Connections are pinged only after ``PING_AFTER`` idle (not on every command): one whose
    server process died while it waited in the pool is replaced, and the command runs."""
    bot = make_bot(pg_engine, demo=True)
    assert not bot.handle("help", Who("console", "okafor"), face="console").error
    pooled = _backend_pid(pg_engine)
    assert _backend_pid(pg_engine) == pooled, "a connection used just now is reused"
    with psycopg.connect(pg_engine.url.set(drivername="postgresql").render_as_string(False)) as c:
        c.execute("SELECT pg_terminate_backend(%s)", (pooled,))
    monkeypatch.setattr(engine_module, "PING_AFTER", 0.0)  # as if it had waited a while
    reply = bot.handle("ocg status smith", Who("console", "okafor"), face="console")
    assert not reply.error, reply.text
    assert _backend_pid(pg_engine) != pooled
