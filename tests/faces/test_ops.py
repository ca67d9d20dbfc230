"""The servers' operational endpoints over real HTTP on 127.0.0.1: ``/readyz`` (ready on a
current store; 503 with the reason on a store behind on migrations, ready again once upgraded),
``/metrics`` (a command counted by verb and outcome, its latency, the store's gauges), and a
request id that follows a command from the face to the log line written beside its audit row.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from alembic import command
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy import text
from sqlmodel import Session, select

from socbot import audit, request_log, scheduler
from socbot.store import HEAD
from socbot.store.engine import alembic_config, tables_for, upgrade
from socbot.store.models import AuditEvent

sys.path[:0] = [str(Path(__file__).parent / "slack"), str(Path(__file__).parent / "teams")]
from slack_standin import SECRET, TOKEN, SlackHarness  # noqa: E402
from teams_standin import StandIn, start  # noqa: E402
from test_teams import serve  # noqa: E402


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    return settings.model_copy(
        update={"slack_bot_token": SecretStr(TOKEN), "slack_signing_secret": SecretStr(SECRET)}
    )


@pytest.fixture
async def h(make_bot, any_engine) -> AsyncIterator[SlackHarness]:  # type: ignore[no-untyped-def]
    linked = {"okafor": "U0OKAFOR", "nguyen": "U0NGUYEN", "price": "U0PRICE"}
    harness = await SlackHarness.start(make_bot(any_engine, demo=True), link=linked)
    yield harness
    await harness.stop()


async def get(h: SlackHarness, path: str) -> tuple[int, str]:
    async with h.slack.session.get(h.slack.base + path) as response:
        return response.status, await response.text()


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_readyz_is_ready_on_a_current_store_and_says_why_not_when_behind(h) -> None:
    assert await get(h, "/readyz") == (200, '{"ok": true}')
    engine = h.bot.engine
    command.downgrade(alembic_config(engine, tables_for(None)), "0003")  # code newer than store
    try:
        status, body = await get(h, "/readyz")
        assert status == 503
        reason = json.loads(body)["reason"]
        assert reason == f"migrations behind: the store lacks {HEAD}; run `socbot db upgrade`"
        assert (await get(h, "/healthz"))[0] == 200, "alive, only not ready: no restart loop"
    finally:
        upgrade(engine)
    assert (await get(h, "/readyz"))[0] == 200


async def test_an_old_replica_stays_ready_on_a_store_a_newer_release_migrated(h) -> None:
    engine = h.bot.engine
    with engine.begin() as conn:  # as if the next release's core revision had run
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_next'"
                          " WHERE version_num = :head"), {"head": HEAD})  # fmt: skip
    try:
        status, body = await get(h, "/readyz")
        assert status == 200
        assert "9999_next, newer than this code" in json.loads(body)["note"]
    finally:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE alembic_version SET version_num = :head"
                     " WHERE version_num = '9999_next'"), {"head": HEAD},
            )  # fmt: skip


async def test_a_command_is_counted_by_verb_and_outcome(h) -> None:
    status, before = await get(h, "/metrics")
    assert status == 200
    ok = ("socbot_commands_total", frozenset({("verb", "help"), ("outcome", "ok")}))
    timed = ("socbot_command_seconds_count", frozenset({("verb", "help")}))
    refused = ("socbot_commands_total", frozenset({("verb", "other"), ("outcome", "user-error")}))
    was = samples(before)

    assert (await h.slack.command("help", user="U0OKAFOR"))[0] == 200
    assert (await h.slack.command("frobnicate now", user="U0OKAFOR"))[0] == 200

    now = samples((await get(h, "/metrics"))[1])
    assert now[ok] == was.get(ok, 0) + 1
    assert now[timed] == was.get(timed, 0) + 1
    assert now[refused] == was.get(refused, 0) + 1, "an unknown verb is one label, not a new one"
    assert now[("socbot_outbox_depth", frozenset())] == 0
    unsealed = ("socbot_audit_unsealed", frozenset())
    assert now[unsealed] >= 2, "the two commands' audit rows wait for the sealer"
    audit.seal(h.bot.engine, wait=True)
    assert samples((await get(h, "/metrics"))[1])[unsealed] == 0


async def test_a_sweep_and_its_delivery_are_measured(h) -> None:
    gauge = ("socbot_outbox_depth", frozenset())
    swept = ("socbot_sweep_seconds_count", frozenset({("job", "action-nudges")}))
    sent = ("socbot_deliveries_total", frozenset({("result", "sent")}))
    was = samples((await get(h, "/metrics"))[1])
    assert was[gauge] == 0

    queued = len(await asyncio.to_thread(h.bot.run_job, "action-nudges"))
    swept_now = samples((await get(h, "/metrics"))[1])
    assert queued > 0 and swept_now[gauge] == queued
    assert swept_now[swept] == was.get(swept, 0) + 1
    assert swept_now[("socbot_outbox_oldest_age_seconds", frozenset())] == 0  # the clock is fixed

    await asyncio.to_thread(scheduler._deliver, h.bot)  # the scheduler's delivery run
    posted = len(h.standin.called("chat.postMessage"))
    after = samples((await get(h, "/metrics"))[1])
    assert posted > 0 and after[sent] == was.get(sent, 0) + posted
    unreachable = ("socbot_deliveries_total", frozenset({("result", "unreachable")}))
    left = after[unreachable] - was.get(unreachable, 0)  # people Slack cannot reach: pending
    assert left > 0 and after[gauge] == queued - posted == left


async def test_the_request_id_follows_a_command_to_its_audit_row(h, caplog) -> None:
    request_log.install()
    caplog.set_level(logging.INFO)
    form = {
        "team_id": "T0TEST",
        "channel_id": "C0GENERAL",
        "user_id": "U0OKAFOR",
        "command": "/ocg",
        "text": "help",
        "response_url": h.standin.response_url("r1"),
        "trigger_id": "1337.1.trigger",
    }
    status, _ = await h.slack.signed(urlencode(form), **{"X-Request-Id": "rq-0042"})
    assert status == 200

    def mine() -> list[dict]:
        lines = [json.loads(request_log.JsonFormatter().format(r)) for r in caplog.records]
        return [line for line in lines if line["request_id"] == "rq-0042"]

    for _ in range(100):  # a slow read (a cold start, a busy machine) is answered after the ack
        if any(line["message"].startswith("audited") for line in mine()):
            break
        await asyncio.sleep(0.1)
    assert mine()[0]["message"] == "POST /slack/events"  # the face took it...
    [audited] = [line for line in mine() if line["message"].startswith("audited")]
    with Session(h.bot.engine) as session:
        row = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()  # type: ignore[union-attr]
    assert row is not None
    assert (audited["audit_at"], audited["audit_actor"], audited["audit_action"]) == (
        row.at.isoformat(),
        row.actor,
        row.action,
    )  # ...and this is its audit row


async def test_the_teams_server_has_readyz_and_metrics_too(bot) -> None:
    stand_in = StandIn()
    runner, stand_in.url = await start(stand_in.app())
    try:
        async with serve(bot, stand_in) as teams, aiohttp.ClientSession() as http:
            async with http.get(f"{teams.url}/readyz") as ready:
                assert ready.status == 200
                assert ready.headers["X-Request-Id"]
            async with http.get(f"{teams.url}/metrics") as scrape:
                text = await scrape.text()
            assert scrape.status == 200 and "socbot_outbox_depth" in text
    finally:
        await runner.cleanup()
