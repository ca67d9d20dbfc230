"""Shared fixtures: a fixed clock, SQLite (and PostgreSQL when configured), bots with demo data.

PostgreSQL tests run when ``SOCBOT_TEST_DATABASE_URL`` is set (CI sets it); otherwise they skip
with a reason.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, text

from socbot.bot import Bot, Who
from socbot.clock import Clock
from socbot.config import Settings
from socbot.model import Reply
from socbot.plugins import get_plugin_manager
from socbot.store.engine import make_engine, upgrade

PG_URL = os.environ.get("SOCBOT_TEST_DATABASE_URL")
NOW = "2027-03-03T09:00"  # a Wednesday, Europe/London


def reset_postgres(url: str) -> Engine:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine


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
def engine(tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """SQLite in a temporary file, at the newest schema."""
    eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    if not PG_URL:
        pytest.skip("PostgreSQL tests need SOCBOT_TEST_DATABASE_URL (CI sets it)")
    eng = reset_postgres(PG_URL)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request) -> Engine:  # type: ignore[no-untyped-def]
    """The test runs once on SQLite and once on PostgreSQL."""
    name = "engine" if request.param == "sqlite" else "pg_engine"
    return request.getfixturevalue(name)


@pytest.fixture
def pm():  # type: ignore[no-untyped-def]
    return get_plugin_manager(load_entrypoints=False)


@pytest.fixture
def make_bot(settings, clock, pm, plugin_settings) -> Callable[..., Bot]:  # type: ignore[no-untyped-def]
    def make(engine: Engine, plugins=None, demo: bool = False) -> Bot:  # type: ignore[no-untyped-def]
        bot = Bot(
            engine,
            pm=plugins or pm,
            settings=settings,
            clock=clock,
            plugin_settings=plugin_settings,
        )
        if demo:
            from socbot import demo as demo_data

            demo_data.load(bot)
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
