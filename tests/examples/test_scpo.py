"""The SCPO example plugin, installed by its entry point (``pip install -e examples/scpo``),
works end to end through socbot's public contract: commands, permissions, its own table and
alembic branch, a job, a setting and demo data."""

from __future__ import annotations

import os
from importlib.metadata import entry_points

import pytest
from sqlalchemy import inspect, text
from sqlmodel import Session, func, select

from socbot import AuditEvent, Outbox
from socbot.cli import main as socbot_cli
from socbot.identify import Who
from socbot.plugins import get_plugin_manager
from socbot.store.engine import make_engine

ADD = 'scpo add OCG-0001 "Carl Rowe" made=01/02/2026 expires={} "No more than one phone"'


def scpo_plugin():  # type: ignore[no-untyped-def]
    (ep,) = entry_points(group="socbot", name="scpo")
    return ep.load()


def upgraded(url: str, monkeypatch) -> object:  # type: ignore[no-untyped-def]
    """The store at ``url`` brought up to date the way an operator does it."""
    monkeypatch.setenv("SOCBOT_DATABASE_URL", url)
    assert socbot_cli(["db", "upgrade"]) == 0
    return make_engine(url)


@pytest.fixture
def scpo_engine(request, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """SQLite, or PostgreSQL where a test asks for it (``indirect``)."""
    if getattr(request, "param", "sqlite") == "sqlite":
        url = f"sqlite:///{tmp_path / 'scpo.db'}"
    else:
        request.getfixturevalue("pg_engine")  # skips without PostgreSQL; empties the schema
        url = os.environ["SOCBOT_TEST_DATABASE_URL"]
    engine = upgraded(url, monkeypatch)
    yield engine
    engine.dispose()


@pytest.fixture
def scpo_bot(make_bot, scpo_engine):  # type: ignore[no-untyped-def]
    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(scpo_plugin(), name="scpo")
    return make_bot(scpo_engine, plugins=pm, demo=True)


@pytest.fixture
def ask(scpo_bot):  # type: ignore[no-untyped-def]
    return lambda handle, line: scpo_bot.handle(line, Who("console", handle), face="console")


def orders(bot) -> int:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as session:
        return session.execute(text("SELECT count(*) FROM scpo")).scalar_one()


def test_the_plugin_is_found_by_its_entry_point():
    pm = get_plugin_manager()
    assert pm.get_plugin("scpo") is scpo_plugin()


def test_db_upgrade_creates_the_table_through_the_plugins_branch(tmp_path, monkeypatch):
    engine = upgraded(f"sqlite:///{tmp_path / 'fresh.db'}", monkeypatch)
    assert "scpo" in inspect(engine).get_table_names()
    with engine.connect() as conn:
        heads = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    assert "scpo_0001" in heads
    assert socbot_cli(["db", "upgrade"]) == 0  # again: nothing to do, no error


def test_the_demo_loads_orders_soonest_expiry_first(ask):
    reply = ask("okafor", "scpo list")
    names = [item.text.split(" (")[0] for item in reply.items]
    assert names == ["Danny Smith", "Kieran Doyle", "Lee Smith"]
    assert "in 25 days" in reply.items[0].text


@pytest.mark.parametrize("scpo_engine", ["sqlite", "postgresql"], indirect=True)
def test_lro_adds_and_lists_an_order_and_the_core_audits_it(ask, scpo_bot):
    before = orders(scpo_bot)
    reply = ask("okafor", ADD.format("10/03/2027"))
    assert not reply.error, reply.text
    assert reply.title == "SCPO recorded: Carl Rowe, OCG-0001 Smith Brothers"
    assert orders(scpo_bot) == before + 1
    listed = ask("okafor", "scpo list OCG-0001")
    assert listed.items[0].text == "Carl Rowe (OCG-0001): expires Wed 10 Mar 2027, in 7 days"
    assert listed.items[0].detail == "No more than one phone"
    assert all("OCG-0002" not in item.text for item in listed.items)
    with Session(scpo_bot.engine) as session:
        row = session.exec(select(AuditEvent).where(AuditEvent.action == "scpo")).first()
    assert row is not None
    assert (row.actor, row.ocg_ref, row.outcome) == ("okafor", "OCG-0001", "ok")


@pytest.mark.parametrize(
    "who, expected",
    [("evans", "isn't available to you"), ("brennan", "OCG-0001")],  # a partner; another OCG's LRO
)
def test_others_may_not_add_and_nothing_is_written(ask, scpo_bot, who, expected):
    before = orders(scpo_bot)
    reply = ask(who, ADD.format("10/03/2027"))
    assert reply.error
    assert expected in reply.text
    assert orders(scpo_bot) == before


def test_a_partner_cannot_list_orders(ask):
    reply = ask("evans", "scpo list")
    assert reply.error
    assert "Danny Smith" not in (reply.text or "")


@pytest.mark.parametrize(
    "line, expected",
    [
        ('scpo add OCG-0001 "Carl Rowe" made=01/02/2026 "x"', "expires=DD/MM/YYYY"),
        ('scpo add OCG-0001 "Carl Rowe" expires=01/02/2028 "x"', "made=DD/MM/YYYY"),
        ('scpo add OCG-0001 "Nobody" made=01/02/2026 expires=01/02/2028 "x"', "Carl Rowe"),
        ('scpo add OCG-0001 "Carl Rowe" made=01/02/2026 expires=13/13/2028 "x"', "DD/MM/YYYY"),
        ('scpo add OCG-0001 "Carl Rowe" made=01/02/2026 expires=01/01/2026 "x"', "before"),
        ('scpo add OCG-0001 "Carl Rowe" made=01/02/2026 expires=01/03/2027 "x"', "expired"),
        ('scpo add OCG-0001 "Carl Rowe" made=01/02/2026 expires=01/02/2028 by=x "x"', "by="),
        ("scpo add OCG-0001", "Usage"),
        ("scpo", "scpo list"),
    ],
)
def test_bad_input_is_refused_politely_and_nothing_is_written(ask, scpo_bot, line, expected):
    before = orders(scpo_bot)
    reply = ask("okafor", line)
    assert reply.error
    assert expected in reply.text
    assert orders(scpo_bot) == before


def warnings_about(bot, nominal: str, days: int) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """Run the job each day (twice) for ``days`` days: (days left, line) for each warning."""
    found = []
    expires = bot.clock.today().toordinal() + 100
    for _ in range(days):
        for _twice in range(2):
            for line in bot.run_job("scpo-expiry"):
                if nominal in line:
                    found.append((expires - bot.clock.today().toordinal(), line))
        bot.clock.advance(days=1)
    return found


def test_the_job_warns_the_lro_at_90_30_and_7_days_once_each(ask, scpo_bot):
    ask("okafor", ADD.format("11/06/2027"))  # 100 days after 3 March 2027
    found = warnings_about(scpo_bot, "Carl Rowe", 100)
    assert [left for left, _ in found] == [90, 30, 7]
    assert all(line.startswith("to @okafor: SCPO on Carl Rowe (OCG-0001)") for _, line in found)
    with Session(scpo_bot.engine) as session:
        queued = session.exec(
            select(func.count()).select_from(Outbox).where(Outbox.kind == "scpo-expiry")
        ).one()
    assert queued >= 3


def test_the_setting_changes_when_the_lro_is_warned(monkeypatch, make_bot, scpo_engine):
    monkeypatch.setenv("SOCBOT_PLUGIN__SCPO__WARN_DAYS", "60,14")
    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(scpo_plugin(), name="scpo")
    bot = make_bot(scpo_engine, plugins=pm, demo=True)
    bot.handle(ADD.format("11/06/2027"), Who("console", "okafor"), face="console")
    assert [left for left, _ in warnings_about(bot, "Carl Rowe", 100)] == [60, 14]


def test_a_bad_setting_stops_the_bot_naming_the_plugin(monkeypatch, make_bot, scpo_engine):
    monkeypatch.setenv("SOCBOT_PLUGIN__SCPO__WARN_DAYS", "90,0")
    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(scpo_plugin(), name="scpo")
    with pytest.raises(Exception, match="scpo"):
        make_bot(scpo_engine, plugins=pm)
