"""Review-due alerts: who is told when, at most once per period, even with sweeps at once."""

import argparse
import threading
import time

import pytest
from socbot_plugins.ocg import alerts as ocg_alerts
from sqlalchemy import text
from sqlmodel import Session, func, select

from socbot.access import SYSTEM
from socbot.delivery import deliver_due
from socbot.hookspecs import hookimpl
from socbot.outbox import Delivery
from socbot.plugins import get_plugin_manager
from socbot.store.models import AuditEvent, Outbox

DEMO_ALERTS = [
    "to @brennan: OCG-0004 Marlowe Family: review overdue by 30 days (was due Mon 1 Feb 2027)",
    "to @hart: OCG-0004 Marlowe Family: review overdue by 30 days (was due Mon 1 Feb 2027) "
    "(you are the SRO)",
    "to @okafor: OCG-0001 Smith Brothers: review overdue by 12 days (was due Fri 19 Feb 2027)",
    "to @okafor: OCG-0009 Eastern Docks Syndicate: review overdue by 2 days "
    "(was due Mon 1 Mar 2027)",
    "to @brennan: OCG-0008 Quarry Road: review due in 3 days (Sat 6 Mar 2027)",
    "to @brennan: OCG-0003 Kestrel Network: review due in 5 days (Mon 8 Mar 2027)",
]


def ocg_pm():
    return get_plugin_manager(False, allow="help,ocg,plan")


@pytest.fixture
def bot(make_bot, engine):
    return make_bot(engine, plugins=ocg_pm(), demo=True)


def outbox_rows(engine):
    with Session(engine) as s:
        return s.exec(select(Outbox).order_by(Outbox.id)).all()


def run_cli(bot, *argv):
    parser = argparse.ArgumentParser()
    bot.cli["alerts"].configure(parser)
    return bot.cli["alerts"].run(bot, parser.parse_args(argv))


def test_demo_sweep_tells_each_lro_and_escalates_to_the_sro(bot):
    assert bot.run_job("review-alerts") == DEMO_ALERTS
    rows = outbox_rows(bot.engine)
    assert len(rows) == 6 and {r.kind for r in rows} == {"review-alert"}
    assert all(r.status == "pending" for r in rows)


def test_cli_once_twice_queues_each_alert_once(bot, capsys):
    assert run_cli(bot, "--once", "--dry-run") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:6] == DEMO_ALERTS and "nothing was written" in out
    assert outbox_rows(bot.engine) == []
    assert run_cli(bot, "--once") == 0
    assert capsys.readouterr().out.splitlines() == [
        *DEMO_ALERTS,
        "6 alert(s) queued; the faces deliver them from the outbox",
    ]
    assert run_cli(bot, "--once") == 0
    assert capsys.readouterr().out.startswith("no new alerts")
    assert len(outbox_rows(bot.engine)) == 6
    assert run_cli(bot) == 2  # without --once: explains that serve runs it on a schedule
    with Session(bot.engine) as s:
        runs = s.exec(select(AuditEvent.text).where(AuditEvent.action == "job:review-alerts"))
        assert list(runs) == ["6 decided", "0 decided"]


def test_alert_schedule_over_a_month(bot):
    """Kestrel (OCG-0003, LRO brennan, SRO hart) is due Mon 8 Mar 2027."""
    told: dict[str, list[str]] = {}
    for _ in range(30):
        for line in bot.run_job("review-alerts"):
            if "OCG-0003" in line:
                told.setdefault(f"{bot.clock.today():%d %b}", []).append(line.split(":")[0])
        bot.clock.advance(days=1)
    assert told == {
        "03 Mar": ["to @brennan"],  # 5 days before (inside the 7-day warning)
        "09 Mar": ["to @brennan"],  # the day it falls overdue
        "16 Mar": ["to @brennan"],  # weekly while overdue
        "22 Mar": ["to @hart"],  # 14 days overdue: the SRO too
        "23 Mar": ["to @brennan"],
        "29 Mar": ["to @hart"],
        "30 Mar": ["to @brennan"],
    }


def test_warning_days_and_escalation_are_configurable(make_bot, engine, plugin_settings):
    plugin_settings["ocg"] = {"review_alert_days": 3, "review_escalate_days": 2}
    bot = make_bot(engine, plugins=ocg_pm(), demo=True)
    lines = bot.run_job("review-alerts")
    assert not any("Kestrel" in line for line in lines)  # due in 5 days: not yet
    assert any("Quarry Road" in line for line in lines)  # due in 3 days
    assert any(line.startswith("to @hart: OCG-0009") for line in lines)  # 2 days overdue


def test_a_recorded_review_stops_the_alerts(bot):
    from socbot.identify import Who

    bot.run_job("review-alerts")
    bot.handle('ocg review smith "reviewed at tasking"', Who("console", "okafor"), face="console")
    bot.clock.advance(days=7)
    assert not any("OCG-0001" in line for line in bot.run_job("review-alerts"))


class Flaky:
    """A face that fails the first delivery, then works."""

    def __init__(self):
        self.calls = 0

    @hookimpl
    def deliver_message(self, message):
        self.calls += 1
        return Delivery(self.calls > 1, "flaky", None if self.calls > 1 else "timeout")


def test_a_failed_delivery_is_retried_later_and_not_lost(make_bot, engine):
    pm = ocg_pm()
    face = Flaky()
    pm.register(face, name="flaky")
    bot = make_bot(engine, plugins=pm, demo=True)
    bot.run_job("review-alerts")
    first = deliver_due(bot, limit=1)
    assert first["failed"] == 1
    failed = outbox_rows(engine)[0]
    assert failed.status == "pending" and failed.attempts == 1 and failed.last_error == "timeout"
    assert deliver_due(bot)["sent"] == 5  # the failed one waits for its backoff
    bot.clock.advance(minutes=1)
    assert deliver_due(bot)["sent"] == 1
    assert {r.status for r in outbox_rows(engine)} == {"sent"}


# -- PostgreSQL: two sweeps at once ----------------------------------------------------------


def _sweep_in_own_session(bot, results, key, decided=None, release=None):
    with Session(bot.engine) as session:
        session.begin()
        ctx = bot.context(session, SYSTEM, "scheduler")
        results[key] = ocg_alerts.sweep(ctx, False)
        if decided is not None:
            decided.set()
        if release is not None:
            release.wait(60)
        session.commit()


def test_overlapping_sweeps_on_postgres_queue_each_alert_once(make_bot, pg_engine):
    """Sweep A decides and holds its transaction open; sweep B runs meanwhile in another
    session, blocks on A's uncommitted keys, and once A commits queues nothing."""
    bot = make_bot(pg_engine, plugins=ocg_pm(), demo=True)
    results: dict[str, list[str]] = {}
    decided, release = threading.Event(), threading.Event()
    a = threading.Thread(target=_sweep_in_own_session, args=(bot, results, "a", decided, release))
    b = threading.Thread(target=_sweep_in_own_session, args=(bot, results, "b"))
    a.start()
    assert decided.wait(10)
    b.start()
    with pg_engine.connect() as watch:  # wait until B is blocked on A's rows
        for _ in range(600):  # up to 30 s on a loaded machine
            waiting = watch.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            ).scalar()
            watch.rollback()  # a transaction sees one snapshot of pg_stat_activity: take anew
            if waiting:
                break
            time.sleep(0.05)
    assert waiting, "sweep B never reached A's uncommitted alerts"
    release.set()
    a.join(60)
    b.join(60)
    assert results["a"] == DEMO_ALERTS and results["b"] == []
    assert len(outbox_rows(pg_engine)) == 6


def test_sweeps_started_together_on_postgres_send_each_alert_once(make_bot, pg_engine):
    bots = [make_bot(pg_engine, plugins=ocg_pm(), demo=True) for _ in range(2)]
    start = threading.Barrier(len(bots) * 2)
    found: list[list[str]] = []

    def run(bot):
        start.wait(10)
        found.append(bot.run_job("review-alerts"))

    threads = [threading.Thread(target=run, args=(b,)) for b in bots for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert sorted(line for lines in found for line in lines) == sorted(DEMO_ALERTS)
    with Session(pg_engine) as s:
        assert s.exec(select(func.count()).select_from(Outbox)).one() == 6
