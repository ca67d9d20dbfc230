"""The console face delivers only to people it can reach: those with no Slack or Teams identity.

The issue's reproduction: on a store whose people are linked to Slack, ``socbot nudge --once``
queues the nudges; ``socbot say --as admin "ocg help"`` then printed them all as ``to @evans:``
lines and marked them sent, so nobody got them on Slack. Now it prints its own reply only.
"""

from __future__ import annotations

from collections import Counter

from sqlmodel import Session, col, create_engine, select

from socbot.store.models import Identity, Outbox, Person

NOW = "2027-03-03T09:00"


def setup(tmp_path, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    from socbot.cli import main

    monkeypatch.setenv("SOCBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCBOT_NOW", NOW)
    monkeypatch.setenv("SOCBOT_LOAD_PLUGINS", "help,actions,ocg,plan,nominals")
    monkeypatch.delenv("SOCBOT_DATABASE_URL", raising=False)
    assert main(["demo"]) == 0
    capsys.readouterr()
    return create_engine(f"sqlite:///{tmp_path / 'socbot.db'}")


def link_to_slack(engine, keep: set[str] = frozenset()) -> None:  # type: ignore[no-untyped-def,assignment]
    with Session(engine) as session, session.begin():
        for person in session.exec(select(Person).where(col(Person.handle).not_in(keep))):
            session.add(
                Identity(person_id=person.id, platform="slack", external_id=f"U{person.id:06d}",
                         linked_at=person.created_at)
            )  # fmt: skip


def outbox(engine) -> Counter[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return Counter(session.exec(select(Outbox.status)).all())


def test_say_delivers_nothing_to_people_linked_to_slack(tmp_path, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    from socbot.cli import main

    engine = setup(tmp_path, monkeypatch, capsys)
    link_to_slack(engine)
    assert main(["nudge", "--once"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len([x for x in out if x.startswith("to @")]) == 10  # ten messages queued
    assert outbox(engine) == {"pending": 10}
    main(["say", "--as", "admin", "ocg help"])
    out = capsys.readouterr().out
    assert "to @" not in out
    assert "ocg" in out  # its own reply
    assert outbox(engine) == {"pending": 10}  # left for the Slack face, untouched
    with Session(engine) as session:
        assert {r.attempts for r in session.exec(select(Outbox))} == {0}


def test_say_still_delivers_to_console_only_people(tmp_path, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    from socbot.cli import main

    engine = setup(tmp_path, monkeypatch, capsys)
    with Session(engine) as session:  # everyone but evans stays console-only (training)
        others = set(session.exec(select(Person.handle).where(Person.handle != "evans")))
    link_to_slack(engine, keep=others)
    assert main(["nudge", "--once"]) == 0
    capsys.readouterr()
    main(["say", "--as", "admin", "ocg help"])
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith("to @")]
    assert len(lines) == 9
    assert not [x for x in lines if x.startswith("to @evans")]
    assert outbox(engine) == {"pending": 1, "sent": 9}
