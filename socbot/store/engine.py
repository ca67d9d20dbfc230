"""Engines for SQLite (embedded, the default) and PostgreSQL, and alembic upgrades."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, event
from sqlmodel import create_engine


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
    return create_engine(url, pool_pre_ping=True, **kwargs)  # type: ignore[arg-type]


def alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    import socbot.store.migrations

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(socbot.store.migrations.__file__).parent))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (``socbot db upgrade``)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)
