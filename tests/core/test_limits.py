"""Floods and oversized input (issue 13, items 10 and 11): every way in is rate limited per sender
before anything is parsed or audited, the limit is shared by replicas on one store, a flood is
audited once a window, and one size limit covers typed text, buttons and forms."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from test_fuzz import counts

from socbot import bot as core
from socbot import metrics
from socbot.bot import Bot
from socbot.faces import console
from socbot.identify import Who
from socbot.parser import MAX_TEXT
from socbot.store.models import AuditEvent, SharedState

OKAFOR = Who("console", "okafor")
FLOOD = Who("slack", "U0FLOOD")
START = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)


class Wall:
    """The rate limiter's wall clock, moved by hand."""

    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def wall() -> Wall:
    return Wall()


@pytest.fixture
def limited(make_bot, settings, wall):  # type: ignore[no-untyped-def]
    """Bots (replicas) on one store, three commands a minute each sender."""
    settings.rate_limit = 3

    def make(engine: Engine, demo: bool = True) -> Bot:
        made = make_bot(engine, demo=demo)
        made.shared.now = wall
        return made

    return make


def audit(engine: Engine) -> list[tuple[str, str, str | None]]:
    with Session(engine) as s:
        rows = s.exec(select(AuditEvent).order_by(AuditEvent.id)).all()  # type: ignore[arg-type]
        return [(r.actor, r.outcome, r.detail) for r in rows if r.face != "cli"]


# -- item 10: rate limits before parsing and auditing, shared, audited once ----------------------


def test_parse_errors_are_rate_limited_before_parsing_or_auditing(
    limited, any_engine, monkeypatch
) -> None:
    bot = limited(any_engine)
    before = audit(any_engine)
    parsed = []
    real = core.parse
    monkeypatch.setattr(core, "parse", lambda text: parsed.append(text) or real(text))
    replies = [bot.handle('status "smith', OKAFOR, face="console").text for _ in range(10)]
    assert ["quote mark" in r for r in replies] == [True] * 3 + [False] * 7
    assert all("wait a minute" in r for r in replies[3:])
    assert len(parsed) == 3, "a sender over the limit is refused before parsing"
    assert audit(any_engine)[len(before) :] == [
        ("okafor", "user-error", "There is a quote mark without its partner. Put the text in a "
         'pair of "double quotes".'),
    ] * 3 + [("console:okafor", "refused", "rate limit")]  # fmt: skip


def test_an_unknown_sender_flooding_is_audited_once_a_window(limited, any_engine, wall) -> None:
    bot = limited(any_engine)
    before = audit(any_engine)
    for text in ["help", 'status "smith', "x" * 5000, "status smith"] * 25:
        bot.handle(text, FLOOD, face="slack")
        bot.press(FLOOD, "snooze", {"args": "1 friday"}, face="slack")
    assert audit(any_engine)[len(before) :] == [
        ("slack:U0FLOOD", "refused", "unknown user"),
        ("slack:U0FLOOD", "refused", "rate limit"),
    ]
    wall.at += timedelta(seconds=61)  # a new window: the next refusal is on record again
    assert "enrol" in bot.handle("help", FLOOD, face="slack").text
    assert audit(any_engine)[-1] == ("slack:U0FLOOD", "refused", "unknown user")


def refused(reason: str) -> float:
    value = metrics.REGISTRY.get_sample_value("socbot_refused_total", {"reason": reason})
    return value or 0.0


def test_two_replicas_share_one_limit(limited, any_engine, wall) -> None:
    first, second = limited(any_engine), limited(any_engine, demo=False)
    before = refused("rate limit")
    replies = [
        replica.handle("help", OKAFOR, face="console")
        for replica in (first, second, first, second, first)
    ]
    assert [r.error for r in replies] == [False, False, False, True, True]
    assert refused("rate limit") == before + 2  # on /metrics, every refusal (the audit: one)
    assert [r for r in audit(any_engine) if r[1] == "refused"] == [
        ("console:okafor", "refused", "rate limit")
    ]
    wall.at += timedelta(seconds=61)
    assert not second.handle("help", OKAFOR, face="console").error


def test_a_flood_spread_over_replicas_gets_at_most_half_the_limit_more(
    make_bot, settings, any_engine, wall
) -> None:
    settings.rate_limit = 10
    replicas = [make_bot(any_engine, demo=True), make_bot(any_engine)]
    for replica in replicas:
        replica.shared.now = wall
    replies = [replicas[n % 2].handle("help", OKAFOR, face="console") for n in range(40)]
    admitted = [not r.error for r in replies]
    assert 10 <= sum(admitted) <= 10 + 10 // 2
    assert admitted == sorted(admitted, reverse=True), "once refused, refused on both replicas"
    assert [r for r in audit(any_engine) if r[1] == "refused"] == [
        ("console:okafor", "refused", "rate limit")
    ]


def test_a_sender_under_half_the_limit_writes_no_shared_state(limited, any_engine, wall) -> None:
    bot = limited(any_engine)
    bot.settings.rate_limit = 10
    for _ in range(5):
        assert not bot.handle("help", OKAFOR, face="console").error
    with Session(any_engine) as s:
        assert s.exec(select(SharedState.key)).all() == []
    assert not bot.handle("help", OKAFOR, face="console").error  # the sixth is counted in it
    with Session(any_engine) as s:
        assert s.exec(select(SharedState.key, SharedState.hits)).all() == [
            ("rate:console:okafor", 6)
        ]


def test_stale_rate_windows_are_swept(limited, any_engine, wall) -> None:
    bot = limited(any_engine, demo=False)
    for n in range(50):
        bot.rates.hit(f"slack:U{n}")
    wall.at += timedelta(minutes=5)
    bot.rates.hit("slack:Ulate")
    with Session(any_engine) as s:
        assert s.exec(select(SharedState.key)).all() == ["rate:slack:Ulate"]


# -- item 11: one size limit for every way in ----------------------------------------------------


def test_every_way_in_shares_one_size_limit(bot, engine, capsys) -> None:
    from socbot import people
    from socbot.store.models import Person

    with Session(engine) as s:
        person = s.exec(select(Person).where(Person.handle == "okafor")).one()
        people.link(s, person=person, identity="teams:AAD-OKAFOR", now=bot.clock.utcnow())
        s.commit()
    who = Who("teams", "AAD-OKAFOR")
    huge = '1 "' + "x " * 1_000_000 + '"'  # 2 MB: 38 s in shlex and 6 s in dateparser before
    before = counts(engine)
    started = time.perf_counter()
    replies = [
        bot.handle("note " + huge, who, face="teams"),
        bot.press(who, "snooze", {"args": huge}, face="teams"),
        bot.press(who, "snooze", {"args": "1 friday", huge: "x"}, face="teams"),
        bot.press(who, "form:action.done", {"id": huge}, face="teams"),
        bot.submit(who, "action.add", {"what": huge, "ocg": "OCG-0001"}, face="teams"),
    ]
    took = time.perf_counter() - started
    assert console.say(bot, "okafor", "status " + "x" * MAX_TEXT) == 1
    assert "the limit is 4,000" in capsys.readouterr().out
    for reply in replies:
        assert reply.error and "the limit is 4,000" in reply.text, reply.text
    assert took < 1.0, f"{took:.2f} s"
    assert counts(engine) == before
    with Session(engine) as s:
        rows = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(5)).all()  # type: ignore[arg-type]
    assert {(r.actor, r.outcome) for r in rows} == {("okafor", "user-error")}
    assert max(len(r.text) for r in rows) <= 2000


def test_a_message_of_exactly_the_limit_is_read(say) -> None:
    reply = say("okafor", "status smith " + " " * (MAX_TEXT - len("status smith ")))
    assert not reply.error and "Smith Brothers" in (reply.title or "")
