"""Building a ready bot from settings: engine, schema, plugins."""

from __future__ import annotations

import logging

import pluggy
from sqlalchemy import Engine

from socbot.bot import Bot
from socbot.config import Settings
from socbot.store.engine import heads, make_engine, store_versions, tables_for, upgrade


def schema_current(engine: Engine, pm: pluggy.PluginManager | None = None) -> bool:
    """Whether the core and every plugin's branch are at their newest revision: a cheap check
    (a few ms) so start-up skips the upgrade (and alembic's environment) when nothing is to do."""
    return store_versions(engine) == heads(tables_for(pm))


def build_bot(
    settings: Settings | None = None,
    *,
    pm: pluggy.PluginManager | None = None,
    engine: Engine | None = None,
    migrate: bool = True,
) -> Bot:
    settings = settings or Settings()
    engine = engine or make_engine(settings.url)
    if migrate and not schema_current(engine, pm):
        upgrade(engine, pm=pm)
    return Bot(engine, pm=pm, settings=settings)


def configure_logging(settings: Settings) -> None:
    from socbot import request_log
    from socbot.logs import install

    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    install()
    request_log.install(json_lines=settings.log_format.lower() == "json")
