"""Engines for SQLite (embedded, the default) and PostgreSQL, and alembic upgrades."""

from __future__ import annotations

import ast
import os
import time
from pathlib import Path
from typing import Any

import pluggy
from sqlalchemy import Engine, event, exc, text
from sqlmodel import create_engine

from socbot.registry import PluginError, Tables


def make_engine(url: str, **kwargs: object) -> Engine:
    """An engine tuned for the backend: WAL and foreign keys for SQLite, a pool for PostgreSQL."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)  # type: ignore[arg-type]

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    engine = create_engine(url, **kwargs)  # type: ignore[arg-type]
    ping_when_idle(engine)
    return engine


# A pooled PostgreSQL connection idle longer than this is pinged before a command uses it.
PING_AFTER = 1.0  # seconds


def ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection is alive before use, unless it was in use within
    ``PING_AFTER`` seconds: ``pool_pre_ping`` pinged on every checkout, a round trip on every
    command (the audit insert and commit are two more). A connection that fails the ping is
    replaced, and every older one in the pool with it (a restarted server dropped them all).
    The window this leaves: a server that dies within a second of a connection's last use
    fails the next command on it (an incident, nothing half-written), and the pool is renewed."""

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_conn: Any, record: Any) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("checked_in", 0.0) <= PING_AFTER:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as error:
            raise exc.InvalidatePoolError() from error  # the pool retries on a new connection


def tables_for(pm: pluggy.PluginManager | None) -> list[Tables]:
    """Every installed plugin's tables unless ``pm`` says which: an allow-list limits which
    commands run, never which migrations are known (a store can hold every branch)."""
    from socbot.plugins import get_plugin_manager
    from socbot.store.tables import store_tables

    return store_tables(pm or get_plugin_manager(allow=""))


def alembic_config(engine: Engine, tables: list[Tables] | None = None):  # type: ignore[no-untyped-def]
    """Alembic's configuration without an ini file: the core's versions and each plugin's."""
    from alembic.config import Config

    import socbot.store.migrations
    from socbot.store.tables import version_locations

    tables = tables if tables is not None else tables_for(None)
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(socbot.store.migrations.__file__).parent))
    cfg.set_main_option("path_separator", "os")  # alembic >= 1.16
    folders = os.pathsep.join(str(p) for p in version_locations(tables))
    cfg.set_main_option("version_locations", folders.replace("%", "%%"))
    cfg.attributes["engine"] = engine
    cfg.attributes["tables"] = tables
    return cfg


def store_versions(engine: Engine) -> set[str]:
    """The revisions alembic has stamped on the store (empty for a new store)."""
    try:
        with engine.connect() as conn:
            return set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except Exception:
        return set()


def heads(tables: list[Tables]) -> set[str]:
    """The newest revision of the core and of every plugin's branch: the revisions no other
    revision names as its ``down_revision``. Read from the migration files' own assignments,
    not through alembic, whose import (with Mako's) cost a tenth of every start-up; a test holds
    this to alembic's ``get_heads``."""
    from socbot.store.tables import version_locations

    revisions: set[str] = set()
    below: set[str] = set()
    for folder in version_locations(tables):
        for path in Path(folder).glob("*.py"):
            found = _assignments(path)
            if isinstance(found.get("revision"), str):
                revisions.add(found["revision"])
                down = found.get("down_revision")
                below.update([down] if isinstance(down, str) else down or ())
    return revisions - below


def _assignments(path: Path) -> dict[str, Any]:
    """A migration file's module-level ``name = literal`` assignments."""
    found: dict[str, Any] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    found[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    return found


def upgrade(
    engine: Engine, revision: str = "heads", *, pm: pluggy.PluginManager | None = None
) -> None:
    """Bring the schema to ``revision`` (``socbot db upgrade``): by default every branch's head.

    A revision in the store that no installed plugin provides (the plugin was uninstalled) stops
    the upgrade with a plain message before anything is written.
    """
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config(engine, tables_for(pm))
    script = ScriptDirectory.from_config(cfg)
    known = {rev.revision for rev in script.walk_revisions()}
    if unknown := sorted(store_versions(engine) - known):
        raise PluginError(
            f"the store has migration {', '.join(unknown)}, which no installed plugin provides: "
            "install the plugin that made it again, then upgrade"
        )
    command.upgrade(cfg, revision)
