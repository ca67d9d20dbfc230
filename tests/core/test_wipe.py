"""``socbot demo --reset`` wipes only the demo's own store; ``socbot db wipe`` leaves a trace.

Run on SQLite and PostgreSQL through the command line, as an operator would.
"""

from __future__ import annotations

import logging

import pytest
from sqlmodel import Session, func, select

from socbot import audit
from socbot.cli import main
from socbot.identify import Who
from socbot.store.models import AuditEvent, Ocg, Person

PLUGINS = "help,ocg,plan,admin"  # ocg names the plan plugin's permissions


@pytest.fixture
def store(any_engine, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """The CLI's store is ``any_engine``: each test runs on SQLite and on PostgreSQL."""
    monkeypatch.setenv("SOCBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCBOT_NOW", "2027-03-03T09:00")
    monkeypatch.setenv("SOCBOT_LOAD_PLUGINS", PLUGINS)
    monkeypatch.setenv("SOCBOT_DATABASE_URL", any_engine.url.render_as_string(False))
    assert main(["demo"]) == 0
    return any_engine


def snapshot(engine):  # type: ignore[no-untyped-def]
    """Everything a wipe would lose that a test can see: people, OCGs and the audit trail."""
    with Session(engine) as s:
        return (
            s.exec(select(Person.handle).order_by(Person.handle)).all(),
            s.exec(select(Ocg.ref).order_by(Ocg.ref)).all(),
            s.exec(select(AuditEvent.hash).order_by(AuditEvent.id)).all(),  # type: ignore[arg-type]
        )


def trail(engine):  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.exec(select(AuditEvent).order_by(AuditEvent.id)).all()  # type: ignore[arg-type]


def slack_stranger(engine) -> None:  # type: ignore[no-untyped-def]
    from socbot.app import build_bot
    from socbot.config import Settings

    build_bot(Settings()).handle("ocg status smith", Who("slack", "U0STRANGER"), face="slack")


REAL_DATA = {
    "a person enrolled on the command line": (
        lambda engine: main(["user", "add", "jsmith", "--name", "Jo Smith"]),
        "@jsmith",
    ),
    "an OCG the demo never had": (
        lambda engine: main(
            ["say", "--as", "admin", 'ocg new "Canal Street Crew" band=2B tier=2 lro=@okafor']
        ),
        "OCG-0011",
    ),
    "a Slack message in the audit trail": (slack_stranger, "slack"),
}


@pytest.mark.parametrize("what", REAL_DATA)
def test_demo_reset_refuses_a_store_holding_what_the_demo_did_not_write(store, capsys, what):
    make, named = REAL_DATA[what]
    make(store)
    capsys.readouterr()
    before = snapshot(store)
    assert main(["demo", "--reset"]) == 1
    out = capsys.readouterr().out
    assert named in out and "Nothing was changed" in out
    assert "socbot db wipe --i-understand" in out
    assert snapshot(store) == before


def test_demo_reset_of_a_store_only_the_demo_used_restarts_it_with_a_trace(store, capsys, caplog):
    assert main(["say", "--as", "okafor", "ocg status smith"]) == 0  # trying the demo
    audit.seal(store)  # as the scheduler would have by now: the wipe names the sealed end
    before = trail(store)
    with caplog.at_level(logging.WARNING, logger="socbot"):
        assert main(["demo", "--reset"]) == 0
    assert "demo force loaded" in capsys.readouterr().out
    rows = trail(store)
    first = rows[0]
    assert first.prev_hash == audit.GENESIS and (first.action, first.text) == (
        "demo",
        "socbot demo --reset",
    )
    assert f"{before[-1].id}:{before[-1].hash}" in (first.detail or "")  # what was wiped
    assert [r.detail for r in rows[1:]] == ["demo force loaded"]
    assert "socbot demo --reset wiped the store" in caplog.text
    assert main(["audit", "verify"]) == 0


def test_db_wipe_asks_for_confirmation_then_wipes_a_real_store_leaving_a_trace(
    store, capsys, caplog
):
    main(["user", "add", "jsmith", "--name", "Jo Smith"])
    capsys.readouterr()
    audit.seal(store)
    before = snapshot(store)
    assert main(["db", "wipe"]) == 1
    out = capsys.readouterr().out
    assert "--i-understand" in out and "10 ocg" in out and "Nothing was changed" in out
    assert snapshot(store) == before
    with caplog.at_level(logging.WARNING, logger="socbot"):
        assert main(["db", "wipe", "--i-understand"]) == 0
    assert "wiped" in capsys.readouterr().out
    people, ocgs, hashes = snapshot(store)
    assert people == [] and ocgs == [] and len(hashes) == 1
    (row,) = trail(store)
    assert row.action == "db.wipe" and row.prev_hash == audit.GENESIS
    assert row.actor.startswith("cli") and row.at is not None
    assert "10 ocg" in (row.detail or "") and before[2][-1] in (row.detail or "")
    assert "socbot db wipe --i-understand wiped the store" in caplog.text
    assert main(["demo"]) == 0  # a wiped store is usable again


def test_db_wipe_is_impossible_once_an_audit_anchor_was_issued(store, capsys):
    assert main(["audit", "verify"]) == 0
    anchor = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    before = snapshot(store)
    assert main(["db", "wipe", "--i-understand"]) == 1
    out = capsys.readouterr().out
    assert "anchor" in out and anchor.split(":")[0] in out and "Nothing was changed" in out
    assert snapshot(store) == before
    assert main(["demo", "--reset"]) == 1  # the anchor is not the demo's either
    assert snapshot(store) == before
    assert main(["audit", "verify", "--anchor", anchor]) == 0


def test_an_empty_store_can_be_reset(any_engine, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOCBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCBOT_DATABASE_URL", any_engine.url.render_as_string(False))
    assert main(["demo", "--reset"]) == 0
    with Session(any_engine) as s:
        assert s.exec(select(func.count()).select_from(Ocg)).one() == 10


def test_chat_demo_always_starts_afresh_whatever_was_typed_into_it(tmp_path, monkeypatch, capsys):
    """``chat --demo`` keeps its own throw-away store (``demo.db``), never the real one."""
    import io

    from socbot.store.engine import make_engine

    monkeypatch.setenv("SOCBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCBOT_LOAD_PLUGINS", PLUGINS)
    for _ in range(2):
        monkeypatch.setattr(
            "sys.stdin", io.StringIO('ocg new "Canal Street Crew" band=2B tier=2 lro=@okafor\n')
        )
        assert main(["chat", "--demo", "--as", "admin"]) == 0
        assert "Added OCG-0011 Canal Street Crew" in capsys.readouterr().out
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Ocg)).one() == 11
        assert s.exec(select(AuditEvent)).first().text == "socbot chat --demo"  # type: ignore[union-attr]
    engine.dispose()
