"""Chasing: owner nudges, coordinator digests, LRO escalations, ``socbot nudge``, and two sweeps
at once on PostgreSQL.

Demo at Wed 3 Mar 2027 09:00, overdue: 1 nguyen (9 days), 2 evans (Trading Standards, 4), 4
idris (HMRC, 15), 8 ford (Council Housing, 2), 10 lowe (Fire, 11, a Southampton OCG), 12 Trading
Standards itself (1; held by its coordinator price). Coordinators: walsh (Police, Portsmouth),
price (Trading Standards). LROs: okafor (OCG-0001), brennan (OCG-0004).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from socbot_plugins.actions import chase, nudge, overdue
from socbot_plugins.actions.models import Action
from sqlalchemy import event, text
from sqlmodel import Session, select

from socbot import people
from socbot.clock import LONDON
from socbot.delivery import deliver_due
from socbot.identify import Who
from socbot.model import Reply
from socbot.outbox import Delivery
from socbot.plugins import get_plugin_manager
from socbot.render_text import render
from socbot.store.models import Assignment, AuditEvent, Outbox, Person

FIRST_SWEEP = [
    "to @nguyen: nudge: 1 overdue action (oldest 9 days overdue)",
    "to @evans: nudge: 1 overdue action (oldest 4 days overdue)",
    "to @price: nudge: 1 overdue action (oldest 1 day overdue)",
    "to @ford: nudge: 1 overdue action (oldest 2 days overdue)",
    "to @idris: nudge: 1 overdue action (oldest 15 days overdue)",
    "to @lowe: nudge: 1 overdue action (oldest 11 days overdue)",
    "to @walsh: digest: 5 overdue actions (first digest)",
    "to @price: digest: 2 overdue actions (first digest)",
    "to @okafor: escalation: 2 actions overdue more than 7 days",
    "to @brennan: escalation: 1 action overdue more than 7 days",
]


@pytest.fixture
def pm():  # type: ignore[no-untyped-def]
    """Only the plugins under test, so work in progress elsewhere can't break these."""
    return get_plugin_manager(load_entrypoints=False, allow="help,actions")


def queued(bot, kind: str | None = None) -> list[Outbox]:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as session:
        query = select(Outbox).order_by(Outbox.id)  # type: ignore[arg-type]
        if kind:
            query = query.where(Outbox.kind == kind)
        return list(session.exec(query).all())


def to(bot, handle: str, kind: str) -> list[Reply]:  # type: ignore[no-untyped-def]
    with Session(bot.engine) as session:
        person = session.exec(select(Person).where(Person.handle == handle)).one()
    return [Reply.from_dict(r.body) for r in queued(bot, kind) if r.person_id == person.id]


def ids(reply: Reply) -> list[str]:
    items = [*reply.items, *(i for s in reply.sections for i in s.items)]
    return [i.text.split()[0] for i in items]


def link(bot, *handles: str) -> None:  # type: ignore[no-untyped-def]
    """Give these people a Slack identity (so everyone else has none)."""
    with Session(bot.engine) as session:
        for n, handle in enumerate(handles):
            person = session.exec(select(Person).where(Person.handle == handle)).one()
            people.link(session, person=person, identity=f"slack:U{n:04d}", now=bot.clock.utcnow())
        session.commit()


# -- nudges -------------------------------------------------------------------------------------


def test_the_first_sweep_chases_everyone_once_and_the_second_queues_nothing(bot) -> None:  # type: ignore[no-untyped-def]
    assert chase.sweep(bot) == FIRST_SWEEP
    assert [r.kind for r in queued(bot)].count("nudge") == 6
    assert chase.sweep(bot) == []
    assert len(queued(bot)) == len(FIRST_SWEEP)


def test_a_nudge_batches_all_of_a_persons_overdue_actions_with_quick_replies(bot, say) -> None:  # type: ignore[no-untyped-def]
    assert not say("okafor", 'ocg action harbour pursue @nguyen "ANPR check" by tomorrow').error
    bot.clock.advance(days=2)  # Fri 5 Mar: #13 is now overdue too
    bot.run_job("action-nudges")
    [nudge] = to(bot, "nguyen", "nudge")
    assert nudge.title == "2 overdue actions need you"
    assert ids(nudge) == ["#1", "#13"]
    first = nudge.sections[0].items[0]
    assert [(b.label, b.action, b.payload) for b in first.buttons] == [
        ("Done", "form:action.done", {"id": "1"}),
        ("Snooze a week", "snooze", {"args": '1 "in 1 week" "snoozed from a reminder"'}),
        ("Seen", "seen", {"args": "1"}),
    ]


def test_nudges_back_off_and_none_at_the_weekend(bot) -> None:  # type: ignore[no-untyped-def]
    """#1 fell due Mon 22 Feb: its 4th working day overdue has passed, so after Wednesday's
    catch-up the next reminder is on the 9th (Fri 5 Mar), a week of working days later."""
    bot.run_job("action-nudges")
    bot.clock.advance(days=1)  # Thursday: #2's 4th working day overdue, #12's 2nd, #10's 9th
    assert bot.run_job("action-nudges") == [
        "to @evans: nudge: 1 overdue action (oldest 5 days overdue)",
        "to @price: nudge: 1 overdue action (oldest 2 days overdue)",
        "to @lowe: nudge: 1 overdue action (oldest 12 days overdue)",
    ]
    bot.clock.advance(days=1)  # Friday: #1's weekly reminder
    assert "to @nguyen: nudge: 1 overdue action (oldest 11 days overdue)" in bot.run_job(
        "action-nudges"
    )
    with Session(bot.engine) as session:
        one = session.get(Action, 1)
        assert one is not None and one.nudge_count == 2
        assert one.last_nudged_at == bot.clock.utcnow()
    bot.clock.advance(days=1)  # Saturday
    assert bot.run_job("action-nudges") == []
    assert len(to(bot, "nguyen", "nudge")) == 2


def test_partners_nudges_carry_no_names_from_the_intelligence(bot) -> None:  # type: ignore[no-untyped-def]
    bot.run_job("action-nudges")
    [nudge] = to(bot, "lowe", "nudge")
    shown = render(nudge)
    assert "Group D (OCG-0004)" in shown and "Marlowe" not in shown
    assert "#10 Fire safety visit to the [name withheld] scrapyard" in shown


def test_an_agencys_unclaimed_action_is_chased_with_its_coordinator(bot) -> None:  # type: ignore[no-untyped-def]
    bot.run_job("action-nudges")
    [nudge] = to(bot, "price", "nudge")
    assert (
        nudge.sections[0].title == "Given to Trading Standards: you hold these as its coordinator"
    )
    assert ids(nudge) == ["#12"]


def test_someone_without_a_chat_identity_is_chased_through_their_coordinator(bot) -> None:  # type: ignore[no-untyped-def]
    link(bot, "nguyen", "price", "walsh", "okafor", "brennan", "idris", "ford", "lowe")
    lines = chase.sweep(bot)
    assert "to @evans" not in " ".join(lines)
    assert "to @price: nudge: 2 overdue actions (oldest 4 days overdue); passing on for @evans" in (
        lines
    )
    [nudge] = to(bot, "price", "nudge")
    assert [s.title for s in nudge.sections] == [
        "Given to Trading Standards: you hold these as its coordinator",
        "@evans (Rhys Evans) can't be reached in chat: please chase them",
    ]
    row = next(r for r in queued(bot, "nudge") if r.body["title"] == nudge.title)
    assert row.note == "passed on for @evans: no chat identity"
    [digest] = to(bot, "walsh", "digest")
    evans = next(s for s in digest.sections if "@evans" in (s.title or ""))
    assert evans.text == "No chat identity: chased through @price."


# -- digests ------------------------------------------------------------------------------------


def test_coordinators_get_a_daily_digest_by_agency_and_owner_with_ages(bot) -> None:  # type: ignore[no-untyped-def]
    assert bot.run_job("action-digest") == FIRST_SWEEP[6:8]
    [digest] = to(bot, "walsh", "digest")
    assert digest.title == "Coordinators' digest for Portsmouth: 5 overdue actions"
    assert [s.title for s in digest.sections] == [
        "Overdue actions: 5 (oldest 15 days overdue)",
        "Council Housing · @ford (Maya Ford)",
        "HMRC · @idris (Sara Idris)",
        "Police · @nguyen (DI Linh Nguyen)",
        "Trading Standards · @evans (Rhys Evans)",
        "Trading Standards · not yet taken",
    ]
    assert "15 days overdue" in (digest.sections[2].items[0].detail or "")
    assert digest.sections[5].text == "Held by the coordinator (@price) until someone takes it."
    [partner] = to(bot, "price", "digest")  # a partner coordinator: their agency's only
    assert ids(partner) == ["#2", "#12"]
    assert "Smith Brothers" not in render(partner)
    assert bot.run_job("action-digest") == []


def test_an_agency_without_a_coordinator_is_called_out(bot, say) -> None:  # type: ignore[no-untyped-def]
    say("okafor", 'ocg action smith protect "Council Housing" "Inspect flat 2" by tomorrow')
    bot.clock.advance(days=2)
    bot.run_job("action-digest")
    [digest] = to(bot, "walsh", "digest")
    unclaimed = next(s for s in digest.sections if s.title == "Council Housing · not yet taken")
    assert unclaimed.text == "Council Housing has no coordinator in socbot: nobody is being chased."


# -- escalations --------------------------------------------------------------------------------


def test_escalation_to_the_lro_once_then_weekly(bot) -> None:  # type: ignore[no-untyped-def]
    bot.run_job("action-escalations")
    [first] = to(bot, "okafor", "escalation")
    assert ids(first) == ["#4", "#1"]  # 15 and 9 days overdue; #2 (4 days) is not yet
    start = datetime(2027, 3, 3, 9, tzinfo=LONDON)
    for day, expected in [
        (1, None),  # Thu 4 Mar: nothing new
        (5, ["#2"]),  # Mon 8 Mar: #2 passes 7 days overdue
        (6, ["#1", "#8"]),  # Tue 9 Mar: #1 a week after its last, #8 passes 7 days
        (7, ["#4", "#12"]),  # Wed 10 Mar: #4 a week after its last, #12 passes 7 days
    ]:
        bot.clock.fixed = start + timedelta(days=day)
        lines = bot.run_job("action-escalations")
        mine = [line for line in lines if line.startswith("to @okafor")]
        if expected is None:
            assert mine == []
        else:
            assert len(mine) == 1
            assert ids(to(bot, "okafor", "escalation")[-1]) == expected


def test_escalation_days_are_configurable(make_bot, engine, plugin_settings) -> None:  # type: ignore[no-untyped-def]
    plugin_settings["actions"] = {"escalate_days": 3}
    bot = make_bot(engine, demo=True)
    bot.run_job("action-escalations")
    assert ids(to(bot, "okafor", "escalation")[0]) == ["#4", "#1", "#2"]


# -- the sweep as a whole ------------------------------------------------------------------------


def test_a_dry_run_queues_nothing_and_jobs_are_audited(bot) -> None:  # type: ignore[no-untyped-def]
    assert chase.sweep(bot, dry_run=True) == FIRST_SWEEP
    assert queued(bot) == []
    chase.sweep(bot)
    with Session(bot.engine) as session:
        jobs = session.exec(
            select(AuditEvent.action, AuditEvent.text).where(AuditEvent.actor == "socbot")
        ).all()
    assert jobs == [
        ("job:action-nudges", "batch 1: 6 decided"),
        ("job:action-digest", "batch 1: 2 decided"),
        ("job:action-escalations", "batch 1: 2 decided"),
    ]


def test_a_failed_delivery_is_kept_and_retried(bot) -> None:  # type: ignore[no-untyped-def]
    class Flaky:
        attempts = 0

        from socbot.hookspecs import hookimpl

        @hookimpl
        def deliver_message(self, message):  # type: ignore[no-untyped-def]
            Flaky.attempts += 1
            return Delivery(Flaky.attempts > 1, "test", None if Flaky.attempts > 1 else "down")

    bot.pm.register(Flaky(), name="flaky")
    bot.run_job("action-escalations")
    assert deliver_due(bot, limit=1) == {"sent": 0, "failed": 1, "unreachable": 0}
    assert queued(bot)[0].status == "pending"
    bot.clock.advance(minutes=5)
    deliver_due(bot)
    assert [r.status for r in queued(bot)] == ["sent", "sent"]


def test_socbot_nudge_once_twice(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from socbot.cli import main

    monkeypatch.setenv("SOCBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCBOT_NOW", "2027-03-03T09:00")
    monkeypatch.setenv("SOCBOT_LOAD_PLUGINS", "help,actions")
    monkeypatch.delenv("SOCBOT_DATABASE_URL", raising=False)
    assert main(["demo"]) == 0
    capsys.readouterr()
    assert main(["nudge", "--once", "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if not line.startswith("-- ")] == [
        *FIRST_SWEEP,
        "dry run: nothing was queued",
    ]
    assert main(["nudge", "--once"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if not line.startswith("-- ")] == FIRST_SWEEP
    # after each batch is committed, a line says so: a sweep killed half way has said what it did
    assert [line for line in out if line.startswith("-- ")] == [
        "-- action-nudges batch 1: 6 queued and committed (6 so far)",
        "-- action-digest batch 1: 2 queued and committed (8 so far)",
        "-- action-escalations batch 1: 2 queued and committed (10 so far)",
    ]
    assert out.index("-- action-nudges batch 1: 6 queued and committed (6 so far)") == 6
    assert main(["nudge", "--once"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "nothing to send: everyone has been chased today"
    ]


# -- scale and concurrency ----------------------------------------------------------------------


def test_a_sweep_commits_batch_by_batch_and_a_killed_one_is_carried_on(bot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Two recipients a batch: the sweep is stopped after its first batch (as a killed process
    would be); what that batch queued is committed and audited, and the next sweep queues the
    rest, each person once."""
    monkeypatch.setattr(nudge, "BATCH", 2)
    sweep = bot.run_job_batches("action-nudges")
    first = next(sweep)
    sweep.close()
    assert len(first) == 2
    assert [r.kind for r in queued(bot)] == ["nudge", "nudge"]  # read in another session
    rest = bot.run_job("action-nudges")
    assert sorted(first + rest) == sorted(FIRST_SWEEP[:6])
    assert len(queued(bot, "nudge")) == 6
    with Session(bot.engine) as session:
        audited = session.exec(
            select(AuditEvent.text).where(AuditEvent.action == "job:action-nudges")
        ).all()
    assert audited == ["batch 1: 2 decided", "batch 1: 2 decided", "batch 2: 2 decided"]


def test_each_batch_reads_the_actions_again_before_queueing(bot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Lowe's action 10 is planned, then closed while an earlier batch is being queued: lowe
    gets no nudge and action 10 is not counted as chased; the others are."""
    monkeypatch.setattr(nudge, "BATCH", 1)
    lines = []
    for n, batch in enumerate(bot.run_job_batches("action-nudges")):
        lines += batch
        if n == 0:
            with Session(bot.engine) as other, other.begin():  # a `done` committed meanwhile
                other.get(Action, 10).status = "done"  # type: ignore[union-attr]
    assert lines == [line for line in FIRST_SWEEP[:6] if "@lowe" not in line]
    with Session(bot.engine) as session:
        chased = session.exec(select(Action.id).where(Action.nudge_count > 0)).all()
    assert sorted(chased) == [1, 2, 4, 8, 12]


def test_a_sweep_planned_two_actions_at_a_time_chases_the_same(  # type: ignore[no-untyped-def]
    make_bot, any_engine, monkeypatch
) -> None:
    """The overdue slice read two actions at a time (through a server-side cursor on
    PostgreSQL) and one action queued a batch: the same messages in the same order, and each
    action counted as nudged once."""
    bot = make_bot(any_engine, demo=True)
    monkeypatch.setattr(overdue, "STREAM", 2)
    monkeypatch.setattr(overdue, "BATCH_ACTIONS", 1)
    assert chase.sweep(bot) == FIRST_SWEEP
    with Session(bot.engine) as session:
        counts = session.exec(select(Action.id, Action.nudge_count).where(Action.nudge_count > 0))
        assert sorted(counts.all()) == [(1, 1), (2, 1), (4, 1), (8, 1), (10, 1), (12, 1)]


def test_a_recipient_holding_seventy_thousand_ids_is_read_in_chunks(make_bot, any_engine) -> None:  # type: ignore[no-untyped-def]
    """More ids than PostgreSQL takes parameters in one statement (65,535): read in chunks,
    in the slice's order, each action once."""
    bot = make_bot(any_engine, demo=True)
    now = bot.clock.utcnow()
    with Session(bot.engine) as session:
        wanted = [*range(70_000, 0, -1), 12, 1]  # unknown ids, and two given twice
        found = overdue.load(session, now, now, ids=wanted)
    assert [a.id for a in found.actions] == [4, 10, 1, 2, 8, 12]  # oldest first


def test_an_ocg_purged_after_the_slice_was_read_takes_its_actions_with_it(bot) -> None:  # type: ignore[no-untyped-def]
    now = bot.clock.utcnow()
    with Session(bot.engine) as session:
        [part] = overdue.stream(session, now, now)
        gone = SimpleNamespace(**{**part.actions[0]._asdict(), "ocg_id": 99_999})  # purged
        found = overdue._named(session, [gone, *part.actions[1:]], now, True, {})
    assert [a.id for a in found.actions] == [a.id for a in part.actions[1:]]


def test_a_batch_holds_so_many_actions_and_a_recipient_with_more_has_one_alone() -> None:
    plan = {9: [4, 5, 6, 7], 5: [1, 2], 3: [3], 1: [8]}
    found = [list(batch) for batch in overdue.batches(plan, 3, actions=3)]
    assert found == [[1, 3], [5], [9]]  # recipients in order, none split
    assert [list(batch) for batch in overdue.batches(plan, 2, actions=100)] == [[1, 3], [5, 9]]


def test_an_action_chased_through_two_coordinators_in_two_batches_is_counted_once(  # type: ignore[no-untyped-def]
    bot, monkeypatch
) -> None:
    """Evans can't be reached and Trading Standards has two coordinators, each in a batch of
    its own: both are asked to chase evans's #2 and hold the agency's #12, and each action is
    counted as nudged once."""
    monkeypatch.setattr(nudge, "BATCH", 1)
    now = bot.clock.utcnow()
    with Session(bot.engine) as session:
        price = session.exec(select(Person).where(Person.handle == "price")).one()
        pryce = Person(handle="pryce", name="Gwen Pryce", agency=price.agency, area=price.area,
                       created_at=now)  # fmt: skip
        session.add(pryce)
        session.flush()
        session.add(Assignment(person_id=pryce.id or 0, role="coordinator", started_at=now))
        session.commit()
    link(bot, "nguyen", "price", "pryce", "walsh", "okafor", "brennan", "idris", "ford", "lowe")
    lines = bot.run_job("action-nudges")
    for who in ("price", "pryce"):
        assert (
            f"to @{who}: nudge: 2 overdue actions (oldest 4 days overdue); passing on for @evans"
        ) in lines
    with Session(bot.engine) as session:
        counts = session.exec(select(Action.id, Action.nudge_count).where(Action.nudge_count > 0))
        assert sorted(counts.all()) == [(1, 1), (2, 1), (4, 1), (8, 1), (10, 1), (12, 1)]


def test_the_overdue_slice_is_read_through_the_index(engine) -> None:  # type: ignore[no-untyped-def]
    query = chase.overdue_query(datetime(2027, 3, 3, 9, tzinfo=LONDON))
    compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as conn:
        plan = " ".join(str(r) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_action_open_due" in plan


def test_sweep_queries_do_not_grow_with_the_number_of_overdue_actions(bot) -> None:  # type: ignore[no-untyped-def]
    def selects() -> int:
        seen = []

        def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("SELECT"):
                seen.append(statement)

        event.listen(bot.engine, "before_cursor_execute", count)
        try:
            chase.sweep(bot, dry_run=True)
        finally:
            event.remove(bot.engine, "before_cursor_execute", count)
        return len(seen)

    before = selects()
    with Session(bot.engine) as session:
        now = bot.clock.utcnow()
        for n in range(60):
            person = Person(handle=f"p{n}", name=f"P {n}", agency=f"Agency {n % 7}", created_at=now)
            session.add(person)
            session.flush()
            session.add(
                Action(
                    ocg_id=1 + n % 10,
                    pillar="protect",
                    description=f"Task {n}",
                    owner_id=person.id,
                    created_by_id=1,
                    created_at=now,
                    due_at=now - timedelta(days=1 + n % 20),
                )
            )
        session.commit()
    assert selects() == before


def test_two_sweeps_at_once_on_postgresql_send_each_message_once(  # type: ignore[no-untyped-def]
    make_bot, pg_engine, monkeypatch
) -> None:
    bot = make_bot(pg_engine, demo=True)
    both_decided = threading.Barrier(2, timeout=30)
    real = overdue.existing

    def in_step(session, keys):  # type: ignore[no-untyped-def]
        found = real(session, keys)
        both_decided.wait()  # both have decided to send before either inserts
        return found

    monkeypatch.setattr(overdue, "existing", in_step)
    results: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def sweep(name: str) -> None:
        try:
            results[name] = chase.sweep(bot)  # each job in its own session and transaction
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
            both_decided.abort()

    threads = [threading.Thread(target=sweep, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(results["a"] + results["b"]) == sorted(FIRST_SWEEP)
    rows = queued(bot)
    assert len(rows) == len(FIRST_SWEEP)
    assert len({(r.kind, r.person_id) for r in rows}) == len(rows)
    with Session(bot.engine) as session:
        counts = session.exec(
            select(Action.id, Action.nudge_count).where(Action.nudge_count > 0)
        ).all()
    assert sorted(counts) == [(1, 1), (2, 1), (4, 1), (8, 1), (10, 1), (12, 1)]


def test_the_whole_flow_on_both_databases(make_bot, any_engine) -> None:  # type: ignore[no-untyped-def]
    bot = make_bot(any_engine, demo=True)

    def say(who: str, line: str) -> Reply:
        return bot.handle(line, Who("console", who), face="console")

    added = say("okafor", 'ocg action smith protect "Trading Standards" "Test purchase" by friday')
    assert not added.error, added.text
    assert ids(say("price", "ocg actions mine")) == ["#12", "#13"]
    assert ids(say("evans", "ocg actions agency trading standards")) == ["#2", "#13", "#12"]
    assert not say("evans", "ocg take 13").error
    assert not say("evans", 'ocg snooze 2 next friday "waiting for stock"').error
    assert not say("idris", 'ocg done 4 "Company deregistered for VAT" disrupt=no').error
    assert chase.sweep(bot) == [
        "to @nguyen: nudge: 1 overdue action (oldest 9 days overdue)",
        "to @price: nudge: 1 overdue action (oldest 1 day overdue)",
        "to @ford: nudge: 1 overdue action (oldest 2 days overdue)",
        "to @lowe: nudge: 1 overdue action (oldest 11 days overdue)",
        "to @walsh: digest: 3 overdue actions (first digest)",
        "to @price: digest: 1 overdue action (first digest)",
        "to @okafor: escalation: 1 action overdue more than 7 days",
        "to @brennan: escalation: 1 action overdue more than 7 days",
    ]
    assert chase.sweep(bot) == []


def test_an_action_closed_while_a_sweep_runs_is_not_counted_as_chased(  # type: ignore[no-untyped-def]
    make_bot, pg_engine, monkeypatch
) -> None:
    """The sweep read action 1 as overdue; its owner closes it before the sweep queues: the
    nudge is withdrawn at delivery, and the closed action's reminder count stays where it was."""
    bot = make_bot(pg_engine, demo=True)
    real = overdue.send

    def closed_meanwhile(ctx, outgoing):  # type: ignore[no-untyped-def]
        with Session(bot.engine) as other, other.begin():  # another command, committed first
            other.get(Action, 1).status = "done"  # type: ignore[union-attr]
        return real(ctx, outgoing)

    monkeypatch.setattr(overdue, "send", closed_meanwhile)
    chase.sweep(bot)
    with Session(bot.engine) as session:
        closed = session.get(Action, 1)
        assert closed is not None and closed.nudge_count == 0, "a closed action is not chased"
        others = session.exec(select(Action.id).where(Action.nudge_count > 0)).all()
    assert sorted(others) == [2, 4, 8, 10, 12]
