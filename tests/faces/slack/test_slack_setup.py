"""Setting the Slack face up: the manifest, Socket Mode, and ``socbot serve slack``."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from argparse import Namespace
from pathlib import Path

import pytest
import yaml
from pydantic import SecretStr
from slack_standin import SECRET, TOKEN, SignedSlack, SlackStandIn, block_text
from sqlmodel import Session, select

from socbot import people
from socbot.faces.slack.app import serve
from socbot.faces.slack.face import SlackFace
from socbot.store.engine import make_engine, upgrade
from socbot.store.models import Person

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = ROOT / "manifests" / "slack" / "manifest.yaml"
DOCS = ROOT / "docs" / "slack.md"


@pytest.fixture
def manifest() -> dict:
    return yaml.safe_load(MANIFEST.read_text())


def test_every_command_in_the_usage_hint_exists(manifest, bot) -> None:
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/ocg"
    verbs = re.findall(r"(?:^|[|·])\s*([a-z]+)", command["usage_hint"])
    assert len(verbs) >= 6
    missing = [v for v in verbs if bot.spec(v) is None]
    assert missing == []
    assert command["should_escape"] is True  # mentions arrive as <@U...>, the parser's form


def test_the_commands_the_home_tab_runs_exist(bot) -> None:
    assert bot.spec("actions") is not None and bot.spec("reviews") is not None


def test_one_url_serves_commands_interactivity_and_events(manifest) -> None:
    settings = manifest["settings"]
    urls = {
        manifest["features"]["slash_commands"][0]["url"],
        settings["interactivity"]["request_url"],
        settings["event_subscriptions"]["request_url"],
    }
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")
    assert settings["event_subscriptions"]["bot_events"] == ["app_home_opened", "link_shared"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert settings["socket_mode_enabled"] is False
    assert "socket_mode_enabled: true" in MANIFEST.read_text()  # the variant, in a comment


def test_every_scope_is_justified_in_the_docs(manifest) -> None:
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert set(scopes) == {
        "commands",
        "chat:write",
        "users:read",
        "users:read.email",
        "files:write",
        "links:read",
        "links:write",
        "channels:read",
        "groups:read",
    }
    docs = DOCS.read_text()
    assert all(f"| `{scope}` |" in docs for scope in scopes)
    assert re.search(r"median \*\*[\d.]+ ms\*\*", docs)  # the measured round trip


def test_links_are_unfurled_only_on_the_domains_listed(manifest) -> None:
    domains = manifest["features"]["unfurl_domains"]
    assert 1 <= len(domains) <= 5, "Slack takes up to five"
    assert all("/" not in d and ":" not in d for d in domains), "a host, no scheme or path"


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    return settings.model_copy(
        update={
            "slack_bot_token": SecretStr(TOKEN),
            "slack_signing_secret": SecretStr(SECRET),
            "slack_app_token": SecretStr("xapp-1-test"),
        }
    )


async def test_socket_mode_answers_a_slash_command(bot) -> None:
    with Session(bot.engine) as session:
        okafor = session.exec(select(Person).where(Person.handle == "okafor")).one()
        people.link(session, person=okafor, identity="slack:U0OKAFOR", now=bot.clock.utcnow())
        session.commit()
    standin = SlackStandIn()
    await standin.start()
    face = SlackFace(bot, api_url=standin.api_url, socket=True)
    running = asyncio.ensure_future(face.run_socket())
    try:
        payload = {
            "command": "/ocg",
            "text": "status smith",
            "user_id": "U0OKAFOR",
            "channel_id": "C0GENERAL",
            "response_url": standin.response_url(),
            "trigger_id": "t",
            "team_id": "T0TEST",
        }
        ack = await standin.envelope("slash_commands", payload)
        assert "Smith Brothers" in block_text(ack["payload"]["blocks"])
        [opened] = standin.called("apps.connections.open")
        assert opened.token == "xapp-1-test"  # the app-level token, not the bot token
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await standin.stop()


def test_serve_says_which_variables_are_missing(bot, capsys) -> None:
    bot.settings = bot.settings.model_copy(update={"slack_signing_secret": None})
    assert serve(bot, Namespace(socket=False, host="127.0.0.1", port=0)) == 2
    err = capsys.readouterr().err
    assert "SLACK_SIGNING_SECRET" in err and TOKEN not in err
    bot.settings = bot.settings.model_copy(update={"slack_app_token": None})
    assert serve(bot, Namespace(socket=True, host="127.0.0.1", port=0)) == 2
    assert "SLACK_APP_TOKEN" in capsys.readouterr().err


def test_http_mode_refuses_to_start_without_a_signing_secret(bot) -> None:
    bot.settings = bot.settings.model_copy(update={"slack_signing_secret": None})
    with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
        SlackFace(bot)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_socbot_serve_slack_runs_as_documented(tmp_path, make_bot) -> None:
    """The README's steps: three variables, ``socbot serve slack``, and it answers."""
    engine = make_engine(f"sqlite:///{tmp_path / 'socbot.db'}")  # where the server will look
    upgrade(engine)
    make_bot(engine, demo=True)
    engine.dispose()
    standin = SlackStandIn()
    await standin.start()
    standin.users["U0NEW"] = "grace.okafor@demo.police.example"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SOCBOT_"))},
        "SOCBOT_DATA_DIR": str(tmp_path),
        "SOCBOT_NOW": "2027-03-03T09:00",
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SOCBOT_SLACK_API_URL": standin.api_url,
    }
    cli = [sys.executable, "-m", "socbot.cli"]
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        *cli,
        "serve",
        "slack",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    slack = SignedSlack(f"http://127.0.0.1:{port}", SECRET, standin)
    try:
        line = await asyncio.wait_for(server.stdout.readline(), 30)  # type: ignore[union-attr]
        assert f"http://127.0.0.1:{port}/slack/events" in line.decode()
        status, body = await slack.command("status smith", user="U0NEW")
        assert status == 200 and "Smith Brothers" in block_text(body["blocks"])
    finally:
        await slack.close()
        server.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(server.wait(), 30)
        errors = (await server.stderr.read()).decode()  # type: ignore[union-attr]
        await standin.stop()
    assert code == 0, errors
    assert "Traceback" not in errors and SECRET not in errors and TOKEN not in errors
