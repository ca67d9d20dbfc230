"""The audit trail: everything recorded, chained, verifiable; `ocg audit` for the LRO and SRO."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from socbot import audit, delivery, outbox
from socbot.clock import LONDON
from socbot.faces.console import attach
from socbot.identify import Who
from socbot.model import Reply
from socbot.store.models import AuditEvent


def rows(engine) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return list(s.exec(select(AuditEvent).order_by(AuditEvent.id)).all())


def last(engine) -> AuditEvent:  # type: ignore[no-untyped-def]
    return rows(engine)[-1]


def test_every_kind_of_command_is_recorded_with_who_where_and_what(bot):
    okafor = Who("console", "okafor")
    cases = [
        (okafor, "status smith", "ok", "OCG-0001"),  # a read
        (okafor, "review smith band=9Z", "user-error", "OCG-0001"),  # a failed write
        (okafor, "status OCG-0003", "user-error", None),  # not theirs: as if unknown
        (Who("console", "evans"), "review OCG-0001", "refused", None),  # stopped at the door
        (Who("console", "evans"), "grant evans admin", "refused", None),
        (okafor, "frobnicate", "user-error", None),
        (okafor, 'status "smith', "user-error", None),  # unparseable
        (Who("slack", "U0NOBODY"), "status smith", "refused", None),  # not enrolled
    ]
    for who, typed, outcome, ref in cases:
        before = len(rows(bot.engine))
        bot.handle(typed, who, face=who.platform, channel="C0ROOM")
        new = rows(bot.engine)[before:]
        assert len(new) == 1, typed
        row = new[0]
        assert (row.outcome, row.ocg_ref, row.text, row.channel) == (outcome, ref, typed, "C0ROOM")
        assert row.face == who.platform and row.at == bot.clock.utcnow()
        assert row.actor in (who.id, f"{who.platform}:{who.id}")


def test_writes_and_admin_changes_are_recorded(bot, say):
    say("admin", "grant khan moderator until=30/06/2027")
    admin_row, command_row = rows(bot.engine)[-2:]
    assert (command_row.action, command_row.outcome) == ("grant", "ok")
    assert admin_row.action == "admin" and "granted moderator to @khan" in admin_row.text
    assert "30 Jun 2027" in admin_row.text
    failed = len(rows(bot.engine))
    say("admin", "grant khan lro")  # refused politely: lro is held on one OCG
    assert [r.action for r in rows(bot.engine)[failed:]] == ["grant"]  # no admin row survives


def test_every_outbound_message_is_recorded(bot):
    with Session(bot.engine) as s:
        outbox.enqueue(
            s,
            key="t1",
            kind="nudge",
            reply=Reply(text="hello"),
            now=bot.clock.utcnow(),
            person_id=3,
        )
        s.commit()
    attach(bot)
    assert delivery.deliver_due(bot)["sent"] == 1
    row = last(bot.engine)
    assert (row.action, row.outcome, row.face) == ("outbox", "ok", "console")
    assert "nudge" in row.text and "okafor" in row.text


def test_the_demo_trail_verifies(bot, say):
    say("okafor", "status smith")
    audit.seal(bot.engine)
    with Session(bot.engine) as s:
        count, problem = audit.verify(s)
    assert problem is None and count == len(rows(bot.engine)) > 1


def _tamper(engine, sql: str, **params) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        conn.execute(text(sql), params)


@pytest.fixture
def trail(bot, say):  # type: ignore[no-untyped-def]
    for line in ("status smith", "actions smith", "disruptions smith", "status harbour"):
        say("okafor", line)
    audit.seal(bot.engine)
    return [r.id for r in rows(bot.engine)]


def _verify(engine):  # type: ignore[no-untyped-def]
    audit.seal(engine, grace=0)
    with Session(engine) as s:
        return audit.verify(s)


def test_an_edited_row_is_named(bot, trail):
    target = trail[2]
    _tamper(bot.engine, "UPDATE auditevent SET text = 'nothing to see' WHERE id = :id", id=target)
    count, problem = _verify(bot.engine)
    assert count == 2 and f"row {target} " in problem and "edited" in problem


def test_a_deleted_row_is_named(bot, trail):
    _tamper(bot.engine, "DELETE FROM auditevent WHERE id = :id", id=trail[2])
    count, problem = _verify(bot.engine)
    assert count == 2 and f"row {trail[3]} " in problem and "deleted" in problem


def test_deleting_the_first_row_is_caught(bot, trail):
    _tamper(bot.engine, "DELETE FROM auditevent WHERE id = :id", id=trail[0])
    assert _verify(bot.engine)[1] is not None


def test_cutting_the_tail_is_caught_by_an_anchor(bot, trail):
    with Session(bot.engine) as s:
        anchor = audit.head(s)
        assert audit.check_anchor(s, anchor) is None
    _tamper(bot.engine, "DELETE FROM auditevent WHERE id >= :id", id=trail[-2])
    _, problem = _verify(bot.engine)
    assert problem is None  # the chain alone cannot see a shorter chain...
    with Session(bot.engine) as s:
        assert "gone" in audit.check_anchor(s, audit.Head.parse(str(anchor)))  # ...an anchor can


def test_the_hash_does_not_depend_on_the_time_zone_given(engine):
    with Session(engine) as s:
        audit.append(
            s,
            at=datetime(2027, 7, 1, 12, tzinfo=LONDON),
            actor="x",
            face="cli",
            action="t",
            text_="summer",
            outcome="ok",
        )
        s.commit()
    assert audit.seal(engine) == 1
    with Session(engine) as s:
        assert audit.verify(s) == (1, None)


def _append_many(engine, who: str, n: int, errors: list[str]) -> None:  # type: ignore[no-untyped-def]
    try:
        for i in range(n):
            with Session(engine) as s:
                audit.append(
                    s,
                    at=datetime.now(UTC),
                    actor=who,
                    face="test",
                    action="race",
                    text_=str(i),
                    outcome="ok",
                )
                s.commit()
    except Exception as exc:  # reported to the main thread
        errors.append(repr(exc))


def test_concurrent_writers_append_unsealed_and_the_sealer_chains_them_all(any_engine):
    """Four appenders (two pools, as two processes would) take no lock; a sealer running beside
    them and once after chains every row exactly once, in id order."""
    from socbot.store.engine import make_engine

    second = make_engine(any_engine.url.render_as_string(hide_password=False))
    errors: list[str] = []
    threads = [
        threading.Thread(target=_append_many, args=(e, f"w{i}", 30, errors))
        for i, e in enumerate((any_engine, second, any_engine, second))
    ]
    sealing = threading.Event()

    def sealer() -> None:
        while not sealing.is_set():
            audit.seal(second, grace=0.5)

    threads.append(threading.Thread(target=sealer))
    for t in threads:
        t.start()
    for t in threads[:-1]:
        t.join()
    sealing.set()
    threads[-1].join()
    second.dispose()
    assert not errors
    audit.seal(any_engine, wait=True)
    with Session(any_engine) as s:
        assert audit.verify(s) == (120, None) and audit.unsealed(s)[0] == 0


def _append_one(engine, text_: str) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        audit.append(s, at=datetime.now(UTC), action="t", text_=text_)
        s.commit()


def test_unsealed_rows_are_counted_not_verified_until_sealed(any_engine):
    for i in range(3):
        _append_one(any_engine, str(i))
    with Session(any_engine) as s:
        waiting, oldest = audit.unsealed(s)
        assert audit.verify(s) == (0, None) and waiting == 3 and oldest is not None
    assert audit.seal(any_engine) == 3
    with Session(any_engine) as s:
        assert audit.verify(s) == (3, None) and audit.unsealed(s) == (0, None)


def test_the_sealer_waits_at_a_gap_then_takes_it_for_a_rolled_back_id(any_engine):
    for i in range(4):
        _append_one(any_engine, str(i))
    assert audit.seal(any_engine) == 4
    ids = [r.id for r in rows(any_engine)]
    for i in range(3):
        _append_one(any_engine, f"new {i}")
    new = [r.id for r in rows(any_engine)][4:]
    # the first new row "still in flight": out of sight, its id is a gap
    _tamper(any_engine, "DELETE FROM auditevent WHERE id = :id", id=new[0])
    assert audit.seal(any_engine, grace=60) == 0  # young gap: rows after it wait
    with Session(any_engine) as s:
        assert audit.unsealed(s)[0] == 2
    assert audit.seal(any_engine, grace=0) == 2  # old enough: a rolled-back id
    with Session(any_engine) as s:
        assert audit.verify(s) == (6, None) and audit.head(s).id == new[-1]
    assert ids == sorted(ids)


def test_a_row_committing_after_its_gap_was_given_up_joins_the_end(any_engine):
    for i in range(3):
        _append_one(any_engine, str(i))
    first = rows(any_engine)[0].id
    _tamper(any_engine, "DELETE FROM auditevent WHERE id = :id", id=first + 1)
    assert audit.seal(any_engine, grace=0) == 2
    _tamper(  # the late commit: its id is below the chain's last sealed row
        any_engine,
        "INSERT INTO auditevent (id, at, actor, face, action, text, outcome) "
        "VALUES (:id, :at, 'cli', 'cli', 't', 'late', 'ok')",
        id=first + 1,
        at=datetime.now(UTC),
    )
    assert audit.seal(any_engine, grace=0) == 1
    every = rows(any_engine)
    assert every[-1].text == "late" and every[-1].id > first + 2 and every[-1].hash
    with Session(any_engine) as s:
        assert audit.verify(s) == (3, None)


def test_unsealing_a_sealed_row_to_rewrite_it_is_caught(bot, trail):
    target = trail[1]
    _tamper(
        bot.engine,
        "UPDATE auditevent SET text = 'rewritten', hash = NULL, prev_hash = NULL WHERE id = :id",
        id=target,
    )
    audit.seal(bot.engine, grace=0)  # the sealer moves it to the end: the gap it leaves shows
    count, problem = _verify(bot.engine)
    assert count == 1 and f"row {trail[2]} " in problem and "deleted or edited" in problem


# -- ocg audit ---------------------------------------------------------------------------------


def test_the_lro_and_sro_read_an_ocgs_audit_newest_first(say):
    say("okafor", "status smith")
    say("nguyen", "actions smith")
    mine = say("okafor", "audit smith limit=1")
    assert not mine.error and mine.title.startswith("Audit trail: OCG-0001")
    assert len(mine.items) == 1 and "@nguyen" in mine.items[0].text
    assert "2 newest of 2" not in str(mine.facts) and "1 newest of 2" in str(mine.facts)
    assert "@okafor" in str(say("hart", "audit OCG-0001").items)
    assert say("okafor", "audit OCG-0003").text == say("okafor", "audit OCG-0999").text.replace(
        "OCG-0999", "OCG-0003"
    )
    assert "isn't available" in say("evans", "audit OCG-0001").text
    assert "isn't available" in say("nguyen", "audit OCG-0001").text  # SIO: not in the matrix
    assert say("okafor", "audit smith limit=0").error
    assert say("okafor", "audit smith limit=lots").error


def test_an_ocg_with_no_history_says_so(say):
    reply = say("hart", "audit OCG-0010")
    assert not reply.error and "Nothing has been recorded" in reply.text


def test_verify_reads_rows_after_a_clock_change(bot, clock):
    """Rows written across the clocks going forward still chain (stored and hashed as UTC)."""
    clock.fixed = datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    for minutes in range(0, 120, 30):
        clock.fixed += timedelta(minutes=minutes)
        bot.handle("help", Who("console", "okafor"), face="console")
    assert _verify(bot.engine)[1] is None
