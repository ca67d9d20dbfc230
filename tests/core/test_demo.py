"""The demo force: the core adds people and OCGs, each plugin its own part via ``load_demo``."""

from __future__ import annotations

import pytest
from socbot_plugins.actions.models import Action
from socbot_plugins.ocg.models import Review
from sqlmodel import Session, delete, func, select

from socbot import AuditEvent, CommandError, Nominal, Ocg, Person, hookimpl
from socbot.demo import Demo, load
from socbot.plugins import get_plugin_manager


def count(engine, model) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


class Watchlist:
    """A third-party plugin adding to the demo: it sees the people and OCGs already added."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.seen: tuple[int, list[str]] | None = None

    @hookimpl
    def load_demo(self, demo: Demo) -> None:
        self.seen = (len(demo.people), sorted(demo.ocgs)[:2])
        if self.fail:
            raise CommandError("the watchlist is not ready")
        demo.session.add(Nominal(ocg_id=demo.ocgs["OCG-0002"].id or 0, name="Zed Watch"))
        demo.summary.append("1 watched nominal")


def test_each_plugin_adds_its_part_after_the_people_and_ocgs(make_bot, engine, pm):  # type: ignore[no-untyped-def]
    pm.register(watch := Watchlist(), name="watchlist")
    assert load(make_bot(engine, plugins=pm)) == (
        "demo force loaded: 15 people, 10 OCGs, 12 actions, 10 disruptions, "
        "3 4P plans of varying health, 6 nominal aliases, 1 watched nominal"
    )
    assert watch.seen == (15, ["OCG-0001", "OCG-0002"])
    assert count(engine, Nominal) == 21  # 20 of the ocg plugin's, 1 of the watchlist


def test_a_bot_serving_fewer_plugins_still_loads_the_whole_force(make_bot, engine, monkeypatch):  # type: ignore[no-untyped-def]
    """The store has every built-in table, so the force is the same whatever is served: a
    disruptions-only bot still has OCGs and actions to link its records to."""
    monkeypatch.setenv("SOCBOT_LOAD_PLUGINS", "help,disruptions")
    bot = make_bot(engine, plugins=get_plugin_manager(load_entrypoints=False))
    assert load(bot) == (
        "demo force loaded: 15 people, 10 OCGs, 12 actions, 10 disruptions, "
        "3 4P plans of varying health, 6 nominal aliases"
    )
    assert (count(engine, Ocg), count(engine, Action), count(engine, Review)) == (10, 12, 10)


def test_a_failing_part_writes_nothing_at_all(make_bot, engine, pm):  # type: ignore[no-untyped-def]
    pm.register(Watchlist(fail=True), name="watchlist")
    with pytest.raises(CommandError, match="watchlist is not ready"):
        load(make_bot(engine, plugins=pm))
    assert (count(engine, Person), count(engine, Ocg)) == (0, 0)


def test_a_store_already_holding_a_demo_ref_is_refused_unchanged(bot, make_bot, engine):  # type: ignore[no-untyped-def]
    with Session(engine) as s:  # real data with a clashing ref: no sign the demo wrote it
        s.execute(delete(AuditEvent))
        s.commit()
    with pytest.raises(CommandError, match="OCG-0001 is already in this store"):
        load(bot)
    assert count(engine, AuditEvent) == 0 and count(engine, Ocg) == 10
