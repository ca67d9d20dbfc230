"""Which tables each plugin owns, and where its alembic versions live (``register_tables``).

The core's tables are registered here as if by a plugin named ``socbot``, so one check covers
everyone: a table claimed twice, a model that is not a table, or a migrations folder that does
not exist stops the bot at start with the plugin's name, not at the first migration.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pluggy
from sqlmodel import SQLModel

from socbot.registry import PluginError, Tables, collect
from socbot.store import models

CORE_VERSIONS = Path(__file__).parent / "migrations" / "versions"
CORE = Tables(
    models=tuple(
        m
        for m in vars(models).values()
        if isinstance(m, type)
        and issubclass(m, SQLModel)
        and m.__module__ == models.__name__
        and hasattr(m, "__table__")
    ),
    migrations=CORE_VERSIONS,
    plugin="socbot",
)


def table_name(model: type) -> str:
    return model.__table__.name  # type: ignore[attr-defined,no-any-return]


def store_tables(pm: pluggy.PluginManager) -> list[Tables]:
    """The core's tables, then each plugin's, checked. ``plugin`` is set to who registered them."""
    found = [CORE]
    owner = {table_name(m): CORE.plugin for m in CORE.models}
    for plugin, tables in collect(pm, "register_tables", Tables):
        tables = replace(tables, plugin=plugin)
        where = tables.migrations
        if where is not None and not Path(where).is_dir():
            raise PluginError(f"plugin {plugin}: migrations folder {where} does not exist")
        for model in tables.models:
            if not hasattr(model, "__table__"):
                raise PluginError(
                    f"plugin {plugin} registered {model!r}, which is not a table "
                    "(declare it with SQLModel, table=True)"
                )
            name = table_name(model)
            if name in owner:
                raise PluginError(f"table {name!r} is claimed by both {owner[name]} and {plugin}")
            owner[name] = plugin
        found.append(tables)
    return found


def version_locations(tables: list[Tables]) -> list[Path]:
    """Alembic's version folders: the core's first, then each plugin's own branch."""
    return [Path(t.migrations) for t in tables if t.migrations is not None]
