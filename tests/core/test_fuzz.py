"""Hostile and broken input, property-based: the parser, every command, every form.

Commands and forms are taken from the bot at test time, so a plugin's new command is fuzzed the
moment it is registered. For any text, as any of several demo people:

- no unhandled exception (the core would answer with an "incident" id);
- an error reply writes nothing (every table's row count unchanged; the audit trail excepted);
- nothing a user typed reaches Slack Block Kit or a Teams card as live markup (no @channel,
  no mention, no disguised link);
- a partner never sees a nominal's name.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import hypothesis
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from sqlmodel import Session, SQLModel, func, select

from socbot.identify import Who
from socbot.model import CommandError, Reply
from socbot.parser import MAX_TEXT, parse
from socbot.render_text import render
from socbot.store.models import AuditEvent, Nominal, Ocg, SharedState

MARKUP = [
    "<!channel>", "<!here>", "<!everyone>", "<@U0BOSS>", "<@U0BOSS|boss>", "<#C0GEN|general>",
    "&lt;!channel&gt;", "&lt;@U1&gt;", "<!subteam^S0123>", "<at>Boss</at>", "[click](http://x.example)",
    "<script>alert(1)</script>", "<b>bold</b>", "'; DROP TABLE ocg; --", "\" OR 1=1 --", "%",
    "_", "\\", "\\'", "%_%", "OCG-0001", "OCG-0003", "smith", "@okafor", "@slack:U0X", "share",
    "by friday", "on 31/02/2027", "arrests=-1", "cash=£1e309", "limit=0", "limit=99999999999",
    "pillar=intel", "until=yesterday", "name=", "role=admin", "1", "0", "-1", "9" * 20,
    "\x00", "\u202e", "\ufeff", "🙂", "ＯＣＧ－０００１", "\"", "“unbalanced", "'", "\n", "\t",
    "xoxb-123456789012-abcdefghijkl",
]  # fmt: skip
WORD = st.one_of(
    st.sampled_from(MARKUP),
    st.text(max_size=40),  # any unicode, control characters included
    st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=20),
)
ARGS = st.lists(WORD, max_size=6).map(" ".join)
HUGE = st.integers(MAX_TEXT - 5, 100_000).flatmap(
    lambda n: st.sampled_from(["x", "<!channel>", "é", "\x07", '"', "OCG-0001 "]).map(
        lambda s: (s * (n // len(s) + 1))[:n]
    )
)
# Written by every message, refused or not: the trail, and each sender's rate this minute.
BOOKKEEPING = {AuditEvent.__tablename__, SharedState.__tablename__}
PEOPLE = ("admin", "okafor", "evans", "hart", "moss", "walsh")
FUZZ = hypothesis.settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def counts(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return {
            t.name: s.exec(select(func.count()).select_from(t)).one()  # type: ignore[call-overload]
            for t in SQLModel.metadata.sorted_tables
            if t.name not in BOOKKEEPING
        }


def nominal_names(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return list(s.exec(select(Nominal.name)).all()) + list(s.exec(select(Ocg.name)).all())


def card_texts(node) -> list[str]:  # type: ignore[no-untyped-def]
    """Text Teams renders as markdown: TextBlocks and facts (input values are plain)."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") in ("TextBlock", "TextRun"):
            found.append(node.get("text", ""))
        if node.get("type") == "FactSet":
            found += [f"{f.get('title', '')} {f.get('value', '')}" for f in node["facts"]]
        for value in node.values():
            found += card_texts(value)
    elif isinstance(node, list):
        for value in node:
            found += card_texts(value)
    return found


_SLACK_LIVE = re.compile(r"<[!@#]")  # <!channel>, <@U1>, <#C1> are live in mrkdwn


def slack_texts(blocks) -> list[str]:  # type: ignore[no-untyped-def]
    """Every mrkdwn text in the blocks (plain_text is never parsed for mentions)."""
    found: list[str] = []

    def walk(node):  # type: ignore[no-untyped-def]
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


def check_renderers(reply: Reply) -> None:
    """Block Kit and Adaptive Card renderings carry no live markup."""
    from socbot.faces.slack import blockkit
    from socbot.faces.teams import adaptive

    for page in blockkit.message(reply):
        json.dumps(page)
        for text in slack_texts(page):
            assert not _SLACK_LIVE.search(text), text
    assert not _SLACK_LIVE.search(blockkit.fallback(reply))
    card = adaptive.card(reply)
    for text in card_texts(card.get("body", [])):
        assert not re.search(r"<at\b", text, re.I), text
        assert "](" not in text, text
    json.dumps(card)


def check(bot, reply: Reply, before: dict[str, int], handle: str, names: list[str]) -> None:  # type: ignore[no-untyped-def]
    text = render(reply)
    assert "incident" not in text, text
    if reply.error:
        assert counts(bot.engine) == before, text
    if handle == "evans":
        for name in names:
            assert name not in text, (name, text)
    check_renderers(reply)


@given(text=st.one_of(ARGS, HUGE, st.text()))
@hypothesis.settings(max_examples=500, deadline=None)
def test_the_parser_answers_or_explains(text):
    try:
        command = parse(text)
    except CommandError as exc:
        assert exc.message and "Traceback" not in exc.message
        return
    assert command.verb == command.verb.lower() and "\x00" not in command.verb


@FUZZ
@given(data=st.data(), args=st.one_of(ARGS, ARGS, ARGS, HUGE))
def test_every_command_survives_hostile_text(bot, data, args):
    names = nominal_names(bot.engine)
    verb = data.draw(st.sampled_from(sorted(bot.commands)), label="verb")
    handle = data.draw(st.sampled_from(PEOPLE), label="as")
    before = counts(bot.engine)
    reply = bot.handle(f"{verb} {args}", Who("console", handle), face="console")
    check(bot, reply, before, handle, names)


@hypothesis.settings(FUZZ, max_examples=150)
@given(data=st.data(), args=ARGS, value=WORD)
def test_buttons_and_forms_survive_hostile_payloads(bot, data, args, value):
    names = nominal_names(bot.engine)
    handle = data.draw(st.sampled_from(PEOPLE), label="as")
    who = Who("slack", f"U0{handle.upper()}")
    _link(bot, handle, who)
    before = counts(bot.engine)
    verb = data.draw(st.sampled_from(sorted(bot.commands)), label="button")
    pressed = bot.press(who, verb, {"args": args, "note": value}, face="slack", channel="C0FUZZ")
    check(bot, pressed, before, handle, names)
    if bot.forms:
        form = bot.forms[data.draw(st.sampled_from(sorted(bot.forms)), label="form")]
        fields = data.draw(st.dictionaries(st.sampled_from(_inputs(bot, form.name)), WORD))
        before = counts(bot.engine)
        submitted = bot.submit(who, form.name, fields, face="slack", channel="C0FUZZ")
        check(bot, submitted, before, handle, names)


_INPUTS: dict[str, list[str]] = {}


def _inputs(bot, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The form's own fields (asked once per form) and some it does not have."""
    if name not in _INPUTS:
        opened = bot.open_form(Who("console", "admin"), name, {}, face="console")
        _INPUTS[name] = [i.name for i in opened.form.inputs] if opened.form else []
    return [*_INPUTS[name], "ocg", "id", "owner", "when", "junk"]


def _link(bot, handle: str, who: Who) -> None:  # type: ignore[no-untyped-def]
    from socbot import people
    from socbot.store.models import Identity, Person

    with Session(bot.engine) as s:
        if s.exec(select(Identity).where(Identity.external_id == who.id)).first():
            return
        person = s.exec(select(Person).where(Person.handle == handle)).one()
        people.link(s, person=person, identity=f"slack:{who.id}", now=bot.clock.utcnow())
        s.commit()


def test_the_renderers_are_present():
    """The fuzz test covers Block Kit and Adaptive Cards: it must not pass by missing them."""
    from socbot.faces.slack import blockkit
    from socbot.faces.teams import adaptive

    assert callable(blockkit.message) and callable(adaptive.card)


# -- limits -----------------------------------------------------------------------------------


def test_too_long_a_message_is_refused_politely_and_audited(bot):
    before = counts(bot.engine)
    reply = bot.handle("status " + "x" * MAX_TEXT, Who("console", "okafor"), face="console")
    assert reply.error and f"{MAX_TEXT:,}" in reply.text
    assert counts(bot.engine) == before
    with Session(bot.engine) as s:
        row = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert row.outcome == "user-error" and len(row.text) <= 2000


def test_people_sending_too_fast_are_asked_to_wait(make_bot, engine, settings):
    settings.rate_limit = 3
    bot = make_bot(engine, demo=True)
    clock = [datetime(2027, 3, 3, 9, tzinfo=UTC)]
    bot.shared.now = lambda: clock[0]
    okafor, evans = Who("console", "okafor"), Who("console", "evans")
    replies = [bot.handle("status smith", okafor, face="console") for _ in range(4)]
    assert [r.error for r in replies] == [False, False, False, True]
    assert "wait a minute" in replies[-1].text
    assert not bot.handle("help", evans, face="console").error  # per person, not global
    stranger = Who("slack", "U0FLOOD")  # unknown people are limited too, before any lookup
    flood = [bot.handle("help", stranger, face="slack").text for _ in range(5)]
    assert "wait a minute" in flood[-1]
    with Session(bot.engine) as s:
        refused = s.exec(
            select(AuditEvent).where(
                AuditEvent.detail == "rate limit", AuditEvent.outcome == "refused"
            )
        ).all()
    assert {r.actor for r in refused} == {"console:okafor", "slack:U0FLOOD"}
    clock[0] += timedelta(seconds=61)
    assert not bot.handle("status smith", okafor, face="console").error


@pytest.mark.parametrize("text", ["<!channel> status smith", "status <@U0BOSS> smith"])
def test_slack_markup_in_a_command_is_folded_not_obeyed(say, text):
    reply = say("okafor", text)
    assert "<!channel>" not in render(reply) and "<@U0BOSS>" not in render(reply)
