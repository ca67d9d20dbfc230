"""Building a ready bot from settings: engine, schema, plugins."""

from __future__ import annotations

import logging

import pluggy
from sqlalchemy import Engine, text

from socbot.bot import Bot
from socbot.config import Settings
from socbot.store import HEAD
from socbot.store.engine import make_engine, upgrade


def schema_current(engine: Engine) -> bool:
    """Cheap check so start-up skips alembic (and its imports) when nothing is to do."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    except Exception:
        return False


def build_bot(
    settings: Settings | None = None,
    *,
    pm: pluggy.PluginManager | None = None,
    engine: Engine | None = None,
    migrate: bool = True,
) -> Bot:
    settings = settings or Settings()
    engine = engine or make_engine(settings.url)
    if migrate and not schema_current(engine):
        upgrade(engine)
    return Bot(engine, pm=pm, settings=settings)


def configure_logging(settings: Settings) -> None:
    from socbot.logs import install

    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    install()
