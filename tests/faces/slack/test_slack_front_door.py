"""The Slack front door against an outsider and a replayer (issue 13, items 7, 8 and 9).

Real HTTP on 127.0.0.1: a signed request replayed word for word runs once, on any replica; junk
that is not from Slack gets a 4xx, leaves no traceback in the log and cannot forge a log line.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import logging
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import test_slack
from slack_standin import SECRET, SlackHarness
from socbot_plugins.actions.models import Action
from sqlmodel import Session, func, select

from socbot.bot import Bot
from socbot.faces.slack.blockkit import encode
from socbot.guards import first_time
from socbot.logs import install
from socbot.plugins import get_plugin_manager
from socbot.shared_state import StoreShared
from socbot.store.models import SharedState

WRITE = 'action smith pursue @nguyen "Check the van" by friday'


settings, h = test_slack.settings, test_slack.h  # the Slack face's fixtures, shared


@pytest.fixture
async def replica(h, settings, clock):  # type: ignore[no-untyped-def]
    """A second process's face: its own bot and memory, the same store."""
    twin = Bot(h.bot.engine, pm=get_plugin_manager(load_entrypoints=False), settings=settings)
    twin.clock = clock
    harness = await SlackHarness.start(twin)
    yield harness
    await harness.stop()


def actions(h: SlackHarness) -> int:
    with Session(h.bot.engine) as session:
        return session.exec(select(func.count()).select_from(Action)).one()


def command_body(h: SlackHarness, text: str, name: str = "r1") -> str:
    return urlencode(
        {
            "team_id": "T0TEST",
            "channel_id": "C0GENERAL",
            "user_id": "U0OKAFOR",
            "command": "/ocg",
            "text": text,
            "response_url": h.standin.response_url(name),
            "trigger_id": "1337.42.trigger",
        }
    )


# -- item 7: replays ------------------------------------------------------------------------


async def test_a_replayed_signed_command_runs_once(h) -> None:
    before = actions(h)
    assert (await h.slack.command(WRITE))[0] == 200
    assert [(await h.slack.replay())[0] for _ in range(2)] == [409, 409]
    await h.standin.wait_for("response_url")
    assert actions(h) == before + 1
    status, _ = await h.slack.command(WRITE, name="r2")  # the same words, sent afresh, are fine
    assert status == 200
    await h.standin.wait_for("response_url", 2)
    assert actions(h) == before + 2


async def test_a_replay_sent_to_another_replica_is_refused_too(h, replica) -> None:
    before = actions(h)
    assert (await h.slack.command(WRITE))[0] == 200
    body, headers = h.slack.last
    assert (await replica.slack.post(body, headers=headers))[0] == 409
    await h.standin.wait_for("response_url")
    assert actions(h) == before + 1


async def test_replayed_button_presses_and_form_submissions_are_refused(h) -> None:
    button = {"action_id": "socbot:1", "value": encode("form:action.add", {"ocg": "OCG-0001"})}
    assert (await h.slack.click(button, user="U0OKAFOR"))[0] == 200
    assert (await h.slack.replay())[0] == 409
    [opened] = await h.standin.wait_for("views.open")
    before = actions(h)
    values = {
        "ocg": "OCG-0001",
        "pillar": "pursue",
        "owner": "@nguyen",
        "what": "Visit",
        "when": "friday",
    }
    status, body = await h.slack.submit(opened.args["view"], values, user="U0OKAFOR")
    assert (status, body["response_action"]) == (200, "update"), body
    assert (await h.slack.replay())[0] == 409
    assert actions(h) == before + 1
    assert len(h.standin.called("views.open")) == 1


async def test_slacks_own_retry_of_an_event_reaching_another_replica_is_acted_on_once(
    h, replica
) -> None:
    event = {"type": "app_home_opened", "user": "U0OKAFOR", "tab": "home"}
    assert (await h.slack.event(event, "Ev01"))[0] == 200
    await h.standin.wait_for("views.publish")
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert (await replica.slack.event(event, "Ev01", **retry))[0] == 200  # acked, not redone
    assert (await replica.slack.event(event, "Ev02"))[0] == 200  # a new event is acted on
    await asyncio.gather(*replica.face._tasks)  # whatever the two started has finished
    assert len(replica.standin.called("views.publish")) == 1


def test_replay_keys_expire_and_expired_rows_are_swept(any_engine) -> None:
    start = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)
    at = [start]
    shared = StoreShared(any_engine, now=lambda: at[0])

    def seen(key: str, after: timedelta = timedelta(0)) -> bool:
        at[0] = start + after
        return first_time(shared, key)

    assert seen("slack:a")
    assert not seen("slack:a", timedelta(minutes=9))
    assert seen("slack:a", timedelta(minutes=11))  # the window has gone
    for n in range(5):
        seen(f"slack:old{n}")
    seen("slack:new", timedelta(hours=1))
    with Session(any_engine) as session:
        keys = set(session.exec(select(SharedState.key)).all())
    assert keys == {"slack:new"}, "expired keys are deleted, live ones kept"


# -- item 8: junk from outside ----------------------------------------------------------------


async def test_900_kb_of_brackets_before_the_signature_is_a_4xx_without_traceback(
    h, caplog
) -> None:
    with caplog.at_level(logging.DEBUG):
        status, _ = await h.slack.post("[" * 900_000, "application/json")
        signed, _ = await h.slack.signed("[" * 900_000, "application/json")
    assert status == 401 and signed == 400
    assert "Traceback" not in caplog.text
    assert all(r.levelno < logging.WARNING for r in caplog.records)


@pytest.mark.parametrize("timestamp", ["abc", "", "1e9", "-1", "9" * 400, "١٢٣"])
async def test_a_junk_timestamp_is_a_401_without_traceback(h, caplog, timestamp) -> None:
    body = command_body(h, WRITE)
    headers = {**h.slack.sign(body), "X-Slack-Request-Timestamp": timestamp}
    with caplog.at_level(logging.DEBUG):
        status, _ = await h.slack.post(body, headers=headers)
    assert status == 401
    assert "Traceback" not in caplog.text and "Error" not in caplog.text


async def test_other_junk_is_a_4xx_without_traceback(h, caplog) -> None:
    raw = b"payload=%7B%22type%22%3A%22\xff\xfe%22%7D"
    ts = str(int(time.time()))
    mac = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
    signed = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={mac}"}
    with caplog.at_level(logging.DEBUG):
        huge, _ = await h.slack.post("x" * 3_000_000)
        big_signed, _ = await h.slack.signed("a=" + "b" * 1_100_000)
        weird_type, _ = await h.slack.signed("payload={not json", "text/plain")
        json_junk, _ = await h.slack.signed('{"type": 1', "application/json")
        bad_payload, _ = await h.slack.signed(
            "payload=%5B1%2C2", "application/x-www-form-urlencoded"
        )
        async with h.slack.session.post(
            h.slack.url,
            data=raw,
            headers={"Content-Type": "application/x-www-form-urlencoded", **signed},
        ) as resp:
            not_utf8 = resp.status
        async with h.slack.session.get(h.slack.url) as resp:
            get = resp.status
    assert huge == 413 and big_signed == 413
    assert 400 <= weird_type < 500 and 400 <= json_junk < 500 and 400 <= bad_payload < 500
    assert not_utf8 == 400 and get == 405
    assert "Traceback" not in caplog.text, caplog.text[-3000:]
    assert actions(h) == 12


# -- item 9: log injection ----------------------------------------------------------------------


async def test_a_badly_signed_body_cannot_forge_log_lines(h) -> None:
    install()
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    old, root.level = root.level, logging.DEBUG
    try:
        nasty = "text=x\n2027-03-03 CRITICAL socbot: admin granted to mallory\r\x1b[2J"
        status, _ = await h.slack.post(nasty, headers=h.slack.sign(nasty, secret="wrong"))
    finally:
        root.removeHandler(handler)
        root.setLevel(old)
    assert status == 401
    lines = out.getvalue().splitlines()
    assert lines and all(line.split(" ", 1)[0] in ("DEBUG", "INFO") for line in lines), lines
    assert "\x1b" not in out.getvalue() and "\r" not in out.getvalue()
    assert not any(line.startswith("2027-03-03") for line in lines)
