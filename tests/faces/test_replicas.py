"""Two replicas of each face on one PostgreSQL database, over real HTTP on 127.0.0.1: what one
replica saw (a Slack event, a modal's origin message, a Teams form card, a sender's rate) the
other knows, with the shared state in the store and, when ``SOCBOT_REDIS_URL`` is given to the
bots, in Redis (the tests' Redis database is emptied first).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pluggy
import pytest
import redis
from pydantic import SecretStr
from socbot_plugins.actions.models import Action, ActionChange
from sqlmodel import Session, func, select

from socbot.bot import Bot
from socbot.delivery import deliver_due
from socbot.plugins import get_plugin_manager
from socbot.store.models import AuditEvent, SharedState

sys.path[:0] = [str(Path(__file__).parent / "slack"), str(Path(__file__).parent / "teams")]
from slack_standin import SECRET, TOKEN, SlackHarness, block_text, buttons  # noqa: E402
from teams_standin import StandIn, start  # noqa: E402
from test_slack import block_of, find_button, with_block_ids  # noqa: E402
from test_teams import NGUYEN, link, open_action, serve, submit_action  # noqa: E402

REDIS_URL = os.environ.get("SOCBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
LINKED = {"okafor": "U0OKAFOR", "price": "U0PRICE"}


@pytest.fixture(params=["store", "redis"])
def backend(request) -> str:  # type: ignore[no-untyped-def]
    if request.param == "redis":
        redis.Redis.from_url(REDIS_URL).flushdb()
    return str(request.param)


@pytest.fixture
def settings(settings, backend):  # type: ignore[no-untyped-def]
    return settings.model_copy(
        update={
            "slack_bot_token": SecretStr(TOKEN),
            "slack_signing_secret": SecretStr(SECRET),
            "redis_url": REDIS_URL if backend == "redis" else None,
        }
    )


@pytest.fixture
def replicas(make_bot, pg_engine) -> tuple[Bot, Bot]:  # type: ignore[no-untyped-def]
    """Two bots (own plugin managers, as two processes) on one PostgreSQL database."""
    second: pluggy.PluginManager = get_plugin_manager(load_entrypoints=False)
    return make_bot(pg_engine, demo=True), make_bot(pg_engine, plugins=second)


@pytest.fixture
async def slack(replicas) -> AsyncIterator[tuple[SlackHarness, SlackHarness]]:  # type: ignore[no-untyped-def]
    a = await SlackHarness.start(replicas[0], link=LINKED)
    b = await SlackHarness.start(replicas[1])
    yield a, b
    await a.stop()
    await b.stop()


def shared_rows(bot: Bot) -> int:
    with Session(bot.engine) as session:
        return session.exec(select(func.count()).select_from(SharedState)).one()


def slack_audit(bot: Bot) -> int:
    with Session(bot.engine) as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.face == "slack")).all()
        return len(rows)


async def test_a_retried_slack_event_on_the_other_replica_runs_once(slack, backend) -> None:
    a, b = slack
    event = {"type": "app_home_opened", "user": "U0OKAFOR", "tab": "home"}
    assert (await a.slack.event(event, "Ev0R1"))[0] == 200
    await a.standin.wait_for("views.publish")
    first = slack_audit(a.bot)
    assert first > 0
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert (await b.slack.event(event, "Ev0R1", **retry))[0] == 200
    await b.slack.event(event, "Ev0R2")  # a new event on b: proves the retry had its chance
    await b.standin.wait_for("views.publish")
    assert len(a.standin.called("views.publish")) + len(b.standin.called("views.publish")) == 2
    assert slack_audit(a.bot) == 2 * first
    assert (shared_rows(a.bot) > 0) == (backend == "store"), "state lives in one backend"


async def test_a_replayed_slack_request_is_refused_by_the_other_replica(slack) -> None:
    a, b = slack
    status, _ = await a.slack.command("help", user="U0OKAFOR")
    assert status == 200
    body, headers = a.slack.last
    b.slack.last = (body, headers)  # the same bytes, signature and all, sent to b
    status, answer = await b.slack.replay()
    assert (status, answer["error"]) == (409, "replayed request")


async def test_a_modal_opened_on_one_replica_keeps_its_message_when_submitted_to_the_other(
    slack,
) -> None:
    a, b = slack
    a.bot.run_job("action-nudges")
    await asyncio.to_thread(deliver_due, a.bot)
    [nudge] = [c for c in a.standin.called("chat.postMessage") if c.args["channel"] == "U0PRICE"]
    blocks = with_block_ids(nudge.args["blocks"])
    done, other = (find_button(blocks, "form:action.done", id=n) for n in ("12", "2"))
    await a.slack.click(
        done,
        user="U0PRICE",
        name="nudge",
        block_id=block_of(blocks, done),
        message={"type": "message", "text": nudge.args["text"], "blocks": blocks},
        channel={"id": "D0PRICE"},
        container={"type": "message", "channel_id": "D0PRICE", "is_ephemeral": False},
    )
    [opened] = await a.standin.wait_for("views.open")
    status, body = await b.slack.submit(
        opened.args["view"], {"result": "Seized 40 packs", "disrupt": "no"}, user="U0PRICE"
    )
    assert status == 200 and body["response_action"] == "update"
    [update] = await a.standin.wait_for("response_url")  # the message's own response_url
    assert update.args["name"] == "nudge" and update.args["replace_original"] is True
    marked = update.args["blocks"]
    assert len(marked) == len(blocks), "b marked the message a opened the modal from"
    assert done not in buttons(marked) and other in buttons(marked)
    assert ":white_check_mark:" in block_text(marked)


async def test_the_rate_limit_counts_across_replicas(slack) -> None:
    a, b = slack
    for bot in (a.bot, b.bot):
        bot.settings.rate_limit = 3
    answers = []
    for replica in (a, b, a, b, a):
        status, body = await replica.slack.command("help", user="U0OKAFOR")
        assert status == 200
        answers.append("faster than I can take" in str(body))
    assert answers == [False, False, False, True, True]


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    stand_in = StandIn()
    runner, stand_in.url = await start(stand_in.app())
    yield stand_in
    await runner.cleanup()


async def test_a_teams_card_double_submitted_across_replicas_runs_once(replicas, standin) -> None:
    first, second = replicas
    link(first, "nguyen", NGUYEN)
    action = open_action(first)
    async with serve(first, standin) as a, serve(second, standin) as b:
        press = {"verb": "form:action.done", "payload": {"id": str(action.id)}}
        assert await a.press(press, aad=NGUYEN, reply_to="nudge-card") == 202
        form_id = f"sent-{len(standin.calls)}"
        submit = submit_action(standin.calls[-1].card)["data"]
        answer = {**submit, "in.result": "Cash seizure granted", "in.disrupt": "none"}
        statuses = await asyncio.gather(
            a.press(answer, aad=NGUYEN, reply_to=form_id),
            b.press(answer, aad=NGUYEN, reply_to=form_id),
        )
        assert statuses == [202, 202]
        assert len(standin.updates()) == 1, "the card is replaced once, by the replica that ran it"
        refused = [c.card_text for c in standin.calls if c.method == "POST"][-1]
        assert "is being sent" in refused or "already submitted" in refused
        assert await b.press(answer, aad=NGUYEN, reply_to=form_id) == 202  # later, on b
        assert "already submitted" in standin.calls[-1].card_text
    with Session(first.engine) as session:
        closes = session.exec(
            select(func.count()).where(
                ActionChange.action_id == action.id, ActionChange.kind == "done"
            )
        ).one()
        assert closes == 1
        closed = session.get(Action, action.id)
        assert closed is not None and closed.status == "done"
