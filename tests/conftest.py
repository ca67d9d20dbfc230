"""Shared fixtures: a fixed clock, SQLite (and PostgreSQL when configured), bots with demo data.

PostgreSQL tests run when ``SOCBOT_TEST_DATABASE_URL`` is set (CI sets it); otherwise they skip
with a reason.

Migrating and loading the demo in every test was most of the suite's time, so each is done once
per session: SQLite tests get a file copy of a migrated store, PostgreSQL tests the one database
migrated once and emptied before each test (``PgStore``), and ``make_bot(engine, demo=True)``
copies a store the demo was loaded into by an earlier test from the same starting state
(``DemoCache``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import pluggy
import pytest
from sqlalchemy import Engine, MetaData, delete, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from socbot.bot import Bot
from socbot.clock import Clock
from socbot.config import Settings
from socbot.identify import Who
from socbot.model import Reply
from socbot.plugins import get_plugin_manager
from socbot.store.engine import make_engine, upgrade

PG_URL = os.environ.get("SOCBOT_TEST_DATABASE_URL")
NOW = "2027-03-03T09:00"  # a Wednesday, Europe/London


def sqlite_path(engine: Engine) -> Path | None:
    """The file behind a SQLite engine (``None`` for PostgreSQL or in-memory)."""
    db = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not db or db == ":memory:":
        return None
    return Path(db)


def closed_file(engine: Engine) -> Path | None:
    """Close the engine's pooled connections and return its SQLite file when that file now holds
    the whole store (no write-ahead log left: nobody else has it open), else ``None``."""
    path = sqlite_path(engine)
    if path is None:
        return None
    engine.dispose()  # the last connection to close folds the log into the file and deletes it
    return None if Path(f"{path}-wal").exists() else path


class DemoCache:
    """Stores the demo was loaded into, keyed on everything the result depends on: the store's
    bytes just before loading, the fixed clock, the settings (``data_dir`` aside: it is each
    test's own folder and the demo never writes it down), each plugin's settings and the
    plugins. A key seen before is
    a copy of the file its first load left, so ids, timestamps and the audit chain are exactly
    what loading it fresh gives. Anything else (PostgreSQL, a live clock, a plugin defined in a
    test that might watch the load, a store still open elsewhere) loads it fresh."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, Path] = {}

    def load(self, bot: Bot) -> None:
        from socbot import demo

        key = self.key(bot)
        path = closed_file(bot.engine) if key else None
        if key is None or path is None:
            demo.load(bot)
            return
        key = hashlib.sha256(key.encode() + path.read_bytes()).hexdigest()
        if key in self.files:
            shutil.copyfile(self.files[key], path)
            return
        demo.load(bot)
        if closed_file(bot.engine):
            self.files[key] = self.folder / f"demo-{len(self.files)}.db"
            shutil.copyfile(path, self.files[key])

    @staticmethod
    def key(bot: Bot) -> str | None:
        plugins = bot.pm.list_name_plugin()
        if bot.clock.fixed is None or any(not isinstance(p, types.ModuleType) for _, p in plugins):
            return None
        return json.dumps(
            [
                bot.clock.fixed.isoformat(),
                bot.settings.model_dump(mode="json", exclude={"data_dir"}),
                {n: v.model_dump(mode="json") for n, v in bot._plugin_settings.items()},
                sorted(f"{name}={p.__name__}" for name, p in plugins),
            ],
            default=str,
        )


@pytest.fixture(scope="session")
def demo_cache(tmp_path_factory: pytest.TempPathFactory) -> DemoCache:
    return DemoCache(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed SQLite file at the newest schema, migrated once per session."""
    path = tmp_path_factory.mktemp("migrated") / "migrated.db"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng)
    eng.dispose()
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock.parse(NOW)


@pytest.fixture
def settings(tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(data_dir=tmp_path, now=NOW, rate_limit=10_000)


@pytest.fixture
def plugin_settings() -> dict[str, dict[str, object]]:
    """Plugin settings for ``make_bot``: ``plugin_settings["ocg"] = {"review_alert_days": 3}``."""
    return {}


@pytest.fixture
def engine(tmp_path, migrated_sqlite: Path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """SQLite in a temporary file, at the newest schema (a copy of the session's migrated one)."""
    path = tmp_path / "test.db"
    shutil.copyfile(migrated_sqlite, path)
    eng = make_engine(f"sqlite:///{path}")
    yield eng
    eng.dispose()


class PgStore:
    """The configured PostgreSQL database, migrated once per session and emptied before each
    test: rows deleted (children first) and sequences restarted, so ids start at 1 again. That
    takes milliseconds where migrating took a second and ``CREATE DATABASE ... TEMPLATE`` plus
    its drop several under load. Should a test change the schema itself, the next one gets a
    fresh migration instead."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url, poolclass=NullPool)  # holds no connection between tests
        self.migrate()
        self.schema = self.fingerprint()

    def migrate(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade(self.engine)
        self._plan()

    def _plan(self) -> None:
        meta = MetaData()
        meta.reflect(self.engine)
        with self.engine.connect() as conn:
            seeded = [
                t.name
                for t in meta.sorted_tables
                if t.name != "alembic_version"
                and conn.execute(select(func.count()).select_from(t)).scalar()
            ]
            sequences = conn.execute(
                text("SELECT schemaname, sequencename, start_value FROM pg_sequences")
            ).all()
        assert not seeded, f"migrations wrote rows into {seeded}: emptying would lose them"
        self.delete = [
            delete(t) for t in reversed(meta.sorted_tables) if t.name != "alembic_version"
        ]
        self.restart = [
            text(f'ALTER SEQUENCE "{schema}"."{name}" RESTART WITH {start}')
            for schema, name, start in sequences
        ]

    def fingerprint(self) -> str:
        """The schema as the catalogue describes it, and the migration it is at."""
        try:
            with self.engine.connect() as conn:
                return str(conn.execute(text(SCHEMA_FINGERPRINT)).scalar())
        except DBAPIError:  # alembic_version itself gone
            return "broken"

    def empty(self) -> None:
        if self.fingerprint() != self.schema:
            self.migrate()
            return
        with self.engine.begin() as conn:
            conn.execute(text(END_OTHER_SESSIONS))  # a failed test's threads may hold locks
            for statement in (*self.delete, *self.restart):
                conn.execute(statement)


END_OTHER_SESSIONS = """
SELECT pg_terminate_backend(pid) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()
"""
SCHEMA_FINGERPRINT = """
SELECT md5(string_agg(line, ';' ORDER BY line)) FROM (
    SELECT c.relname || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod)
        || ':' || a.attnotnull AS line
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT 'constraint ' || conname || ':' || pg_get_constraintdef(c.oid) FROM pg_constraint c
    JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'
    UNION ALL
    SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL
    SELECT 'sequence ' || sequencename FROM pg_sequences WHERE schemaname = 'public'
    UNION ALL
    SELECT 'version ' || version_num FROM alembic_version
) lines
"""


@pytest.fixture(scope="session")
def pg_store() -> PgStore:
    if not PG_URL:
        pytest.skip("PostgreSQL tests need SOCBOT_TEST_DATABASE_URL (CI sets it)")
    store = PgStore(PG_URL)
    return store


@pytest.fixture
def pg_engine(pg_store: PgStore) -> Iterator[Engine]:
    """The PostgreSQL test database at the newest schema, holding nothing from earlier tests."""
    pg_store.empty()
    eng = make_engine(pg_store.url)
    yield eng
    eng.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request) -> Engine:  # type: ignore[no-untyped-def]
    """The test runs once on SQLite and once on PostgreSQL."""
    name = "engine" if request.param == "sqlite" else "pg_engine"
    return request.getfixturevalue(name)


@pytest.fixture
def pm() -> pluggy.PluginManager:
    return get_plugin_manager(load_entrypoints=False)


@pytest.fixture
def make_bot(settings, clock, pm, plugin_settings, demo_cache: DemoCache) -> Callable[..., Bot]:  # type: ignore[no-untyped-def]
    def make(engine: Engine, plugins=None, demo: bool = False) -> Bot:  # type: ignore[no-untyped-def]
        bot = Bot(
            engine,
            pm=plugins or pm,
            settings=settings,
            clock=clock,
            plugin_settings=plugin_settings,
        )
        if demo:
            demo_cache.load(bot)  # as socbot.demo.load(bot), copied when seen before
        return bot

    return make


@pytest.fixture
def bot(make_bot, engine) -> Bot:  # type: ignore[no-untyped-def]
    """All built-in plugins, SQLite, the demo force loaded, the clock at Wed 3 Mar 2027 09:00."""
    return make_bot(engine, demo=True)


@pytest.fixture
def say(bot) -> Callable[[str, str], Reply]:  # type: ignore[no-untyped-def]
    """``say("okafor", "ocg status smith")`` -> Reply, as on the console."""

    def run(handle: str, line: str) -> Reply:
        return bot.handle(line, Who("console", handle), face="console")

    return run
