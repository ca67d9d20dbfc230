"""Plugins' alembic branches: a store from before them upgrades with every row kept; a plugin
from outside the repo brings its own table; a bad registration stops the bot at start."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from socbot_plugins.actions.models import Action
from sqlalchemy import Engine, MetaData, func, inspect, select, table, text
from sqlmodel import Field, SQLModel

from socbot import Tables, hookimpl
from socbot.app import build_bot, schema_current
from socbot.bot import Bot
from socbot.plugins import get_plugin_manager
from socbot.registry import PluginError
from socbot.store.engine import (
    alembic_config,
    heads,
    store_versions,
    tables_for,
    upgrade,
)

BUILT_IN_HEADS = {
    "actions_0003",
    "disruptions_0002",
    "nominals_0001",
    "ocg_0002",
    "plan_0002",
    "tactics_0001",
}
# and those of third-party plugins installed beside socbot (the SCPO example, in CI)
PLUGIN_HEADS = heads(tables_for(None)) - {"0002"}


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table(name))).scalar_one()
            for name in inspect(engine).get_table_names()
            if name != "alembic_version"
        }


def test_a_store_from_before_plugin_branches_upgrades_keeping_every_row(empty_engine, make_bot):
    # The previous release: the core's versions only, up to 0002, with the demo force in it.
    # Today's models no longer fit that schema (a review has columns 0002 lacks: ocg_0002), so
    # the demo is loaded at the newest schema and the store taken back down to 0002 around it;
    # the tables of later branches (the plan's) go with it.
    upgrade(empty_engine)
    make_bot(empty_engine, demo=True)
    cfg = alembic_config(empty_engine, tables_for(None))
    command.downgrade(cfg, "0003@-1")  # the core's newer revision first, then the branches
    command.downgrade(cfg, "0002")
    assert store_versions(empty_engine) == {"0002"}
    before = row_counts(empty_engine)
    assert before["action"] and before["disruption"] and before["review"]

    upgrade(empty_engine)

    after = row_counts(empty_engine)
    gone = {"ratewindow", "seenrequest"}  # short-lived guards, replaced by sharedstate (0004)
    kept = {name: count for name, count in before.items() if name not in gone}
    assert {name: after[name] for name in kept} == kept  # installed plugins' tables are new
    assert not gone & set(after)
    assert store_versions(empty_engine) == PLUGIN_HEADS and BUILT_IN_HEADS <= PLUGIN_HEADS
    assert schema_current(empty_engine)
    with empty_engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []


def test_an_empty_store_gets_every_branch(empty_engine):
    assert not schema_current(empty_engine)
    upgrade(empty_engine)
    assert store_versions(empty_engine) == PLUGIN_HEADS == heads(tables_for(None))
    assert set(SQLModel.metadata.tables) <= set(inspect(empty_engine).get_table_names())


# -- a plugin from outside the repo: its own table, on its own MetaData, its own branch ----------


class ShopBase(SQLModel):
    metadata = MetaData()  # kept off socbot's metadata, as an installed package's may be


class Seizure(ShopBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ocg_ref: str = Field(index=True)
    value_pence: int


class Shop:
    def __init__(self, migrations: Path, models: tuple[type, ...] = (Seizure,)):
        self.migrations = migrations
        self.models = models

    @hookimpl
    def register_tables(self, register):  # type: ignore[no-untyped-def]
        register(Tables(models=self.models, migrations=self.migrations))


def with_plugin(plugin: object, name: str = "shop"):  # type: ignore[no-untyped-def]
    pm = get_plugin_manager()  # installed plugins too: the store holds their branches
    pm.register(plugin, name=name)
    return pm


def test_a_third_party_plugin_adds_its_table_to_an_existing_store(any_engine, shop_migrations):
    pm = with_plugin(Shop(shop_migrations))
    assert not schema_current(any_engine, pm)

    upgrade(any_engine, pm=pm)

    assert "seizure" in inspect(any_engine).get_table_names()
    assert store_versions(any_engine) == PLUGIN_HEADS | {"shop_0001"}
    assert schema_current(any_engine, pm)
    with any_engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        assert compare_metadata(ctx, [SQLModel.metadata, ShopBase.metadata]) == []


def test_build_bot_brings_a_plugins_branch_up_to_date(engine, settings, shop_migrations):
    pm = with_plugin(Shop(shop_migrations))
    bot = build_bot(settings, pm=pm, engine=engine)
    assert "seizure" in inspect(bot.engine).get_table_names()


def test_a_store_holding_an_uninstalled_plugins_revision_is_refused_untouched(
    engine, shop_migrations
):
    upgrade(engine, pm=with_plugin(Shop(shop_migrations)))
    with pytest.raises(PluginError, match=r"shop_0001.*no installed plugin"):
        upgrade(engine)
    assert "shop_0001" in store_versions(engine)


def test_two_plugins_claiming_one_table_stop_the_bot(engine, tmp_path):
    pm = with_plugin(Shop(tmp_path, models=(Action,)), name="copycat")
    with pytest.raises(
        PluginError, match=r"'action' is claimed by both socbot_plugins.actions and copycat"
    ):
        Bot(engine, pm=pm)


def test_a_missing_migrations_folder_stops_the_bot(engine, tmp_path):
    pm = with_plugin(Shop(tmp_path / "nowhere"))
    with pytest.raises(
        PluginError, match=r"plugin shop: migrations folder .*nowhere does not exist"
    ):
        Bot(engine, pm=pm)


def test_a_model_that_is_not_a_table_stops_the_bot(engine, shop_migrations):
    pm = with_plugin(Shop(shop_migrations, models=(ShopBase,)))
    with pytest.raises(PluginError, match=r"plugin shop registered .*ShopBase.*not a table"):
        Bot(engine, pm=pm)


def test_structured_reviews_upgrade_a_store_with_reviews_keeping_rows_and_phases(
    empty_engine, make_bot
):
    """ocg_0002 (progress per pillar, disruptions counted) on a store holding the demo force:
    every row kept, earlier reviews with the new fields empty, every OCG's phase as it was."""
    upgrade(empty_engine)
    make_bot(empty_engine, demo=True)
    command.downgrade(alembic_config(empty_engine, tables_for(None)), "ocg@ocg_0001")
    assert "ocg_0001" in store_versions(empty_engine)
    before = row_counts(empty_engine)
    with empty_engine.connect() as conn:
        phases = dict(conn.execute(text("SELECT ref, phase FROM ocg")).all())
    assert before["review"] == 10 and set(phases.values()) == {"clear", "hold", "build"}

    upgrade(empty_engine)

    assert row_counts(empty_engine) == before
    with empty_engine.connect() as conn:
        assert dict(conn.execute(text("SELECT ref, phase FROM ocg")).all()) == phases
        empty = conn.execute(
            text("SELECT count(*) FROM review WHERE progress IS NULL AND disruptions IS NULL")
        ).scalar_one()
        assert empty == 10
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []


def test_heads_read_from_the_files_are_alembics() -> None:
    from alembic.script import ScriptDirectory

    tables = tables_for(None)
    found = ScriptDirectory.from_config(alembic_config(None, tables)).get_heads()
    assert heads(tables) == set(found) and "actions_0003" in found


def test_starting_a_bot_on_a_current_store_imports_neither_alembic_nor_reportlab(
    tmp_path,
) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'cold.db'}"
    code = (
        "import sys; from socbot.app import build_bot; from socbot.config import Settings; "
        f"build_bot(Settings(database_url={url!r})); "
        "print(sorted(m for m in ('alembic', 'mako', 'reportlab') if m in sys.modules))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # migrates
    again = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    assert again.stdout.decode().strip() == "[]"
