"""Loopback round trips: socbot's Slack and Teams faces against bare SDK apps answering a constant.

Every app runs in one aiohttp server thread on 127.0.0.1 (with local stand-ins for the Slack Web
API and the Bot Framework connector); the client is ``http.client`` with keep-alive in the main
thread, alternating requests between socbot and the bare app so both see the same machine load.
A Slack request is signed exactly as Slack signs it; the Teams apps run in anonymous mode.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import http.client
import json
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from aiohttp import web

from benchmarks.world import BENCH_SLACK, BENCH_TEAMS

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-0000-benchmark-token"
ANONYMOUS = {"CONNECTIONS__SERVICE_CONNECTION__SETTINGS__ANONYMOUS_ALLOWED": "true"}
TENANT = "72f988bf-0000-4000-8000-000000000001"
CONSTANT = "OCG-0042 Smith Brothers: band 1A, tier 1 (a constant answer)"


class Loopback:
    """A background event loop serving aiohttp apps on free 127.0.0.1 ports."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.runners: list[web.AppRunner] = []

    def call(self, work: Callable[[], Awaitable[Any]]) -> Any:
        return asyncio.run_coroutine_threadsafe(work(), self.loop).result(60)

    def serve(self, make: Callable[[], web.Application]) -> str:
        """Build the app inside the loop (SDKs bind to the running loop), serve it, return URL."""

        async def start() -> str:
            runner = web.AppRunner(make(), access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self.runners.append(runner)
            host, port = runner.addresses[0][:2]
            return f"http://{host}:{port}"

        return self.call(start)

    def close(self) -> None:
        async def stop() -> None:
            for runner in reversed(self.runners):
                await runner.cleanup()

        self.call(stop)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


class Client:
    """Keep-alive HTTP to one server; returns (status, body) and times nothing itself."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        self.conn.request("POST", path, body, headers)
        response = self.conn.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.conn.close()


# -- Slack ------------------------------------------------------------------------------------


def slack_standin() -> web.Application:
    """The Web API (``auth.test`` and anything else answers ok) and response_urls."""

    async def api(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "auth.test":
            return web.json_response(
                {
                    "ok": True,
                    "user_id": "UBOT",
                    "bot_id": "BBOT",
                    "team_id": "T0BENCH",
                    "team": "bench",
                    "user": "socbot",
                    "url": "https://bench.slack.test/",
                }
            )
        return web.json_response({"ok": True, "channel": "D0BENCH", "ts": "1.0"})

    async def respond(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_route("*", "/api/{method}", api)
    app.router.add_post("/respond/{name}", respond)
    return app


def bare_bolt(api_url: str) -> web.Application:
    """slack-bolt alone: ``/ocg`` acked with a constant, as fast as bolt allows."""
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    bolt = AsyncApp(
        client=AsyncWebClient(token=TOKEN, base_url=api_url),
        signing_secret=SECRET,
        process_before_response=True,
    )

    @bolt.command("/ocg")
    async def ocg(ack: Any) -> None:
        await ack(CONSTANT)

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", events)
    return app


def slash(text: str, response_url: str) -> tuple[bytes, dict[str, str]]:
    """A ``/ocg`` slash command from @bench.lro, signed as Slack signs it."""
    body = urlencode(
        {
            "token": "legacy",
            "team_id": "T0BENCH",
            "team_domain": "bench",
            "channel_id": "D0BENCH",
            "channel_name": "directmessage",
            "user_id": BENCH_SLACK,
            "user_name": "bench.lro",
            "command": "/ocg",
            "text": text,
            "api_app_id": "A0BENCH",
            "response_url": response_url,
            "trigger_id": f"1.{uuid.uuid4().hex[:10]}",
        }
    ).encode()
    stamp = str(int(time.time()))
    base = b"v0:" + stamp.encode() + b":" + body
    signature = "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }
    return body, headers


# -- Teams ------------------------------------------------------------------------------------


def connector_standin() -> web.Application:
    """The Bot Framework connector: accepts replies and card updates."""
    ids = iter(range(1, 1 << 62))

    async def activity(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"id": f"sent-{next(ids)}"})

    app = web.Application()
    base = "/v3/conversations/{conversation}/activities"
    app.router.add_post(base, activity)
    app.router.add_post(base + "/{activity}", activity)
    app.router.add_put(base + "/{activity}", activity)
    return app


def bare_agent() -> web.Application:
    """The Microsoft 365 Agents SDK alone: every message answered with a constant."""
    from microsoft_agents.activity import ActivityTypes, load_configuration_from_env
    from microsoft_agents.authentication.msal import MsalAuth
    from microsoft_agents.hosting.aiohttp import (
        CloudAdapter,
        jwt_authorization_middleware,
        start_agent_process,
    )
    from microsoft_agents.hosting.core import (
        AgentApplication,
        ApplicationOptions,
        ConnectionManager,
        MemoryStorage,
        OutboundHostValidator,
        TurnContext,
        TurnState,
    )

    config = load_configuration_from_env(ANONYMOUS)
    connections = ConnectionManager(provider_factory=MsalAuth, **config)
    adapter = CloudAdapter(
        connection_manager=connections, host_validator=OutboundHostValidator(enabled=False)
    )
    agent = AgentApplication[TurnState](
        ApplicationOptions(storage=MemoryStorage()), connection_manager=connections
    )

    async def echo(context: TurnContext, _state: TurnState) -> None:
        await context.send_activity(CONSTANT)

    agent.activity(ActivityTypes.message)(echo)

    async def messages(request: web.Request) -> web.StreamResponse:
        response = await start_agent_process(request, agent, adapter)
        return response if response is not None else web.Response(status=202)

    api = web.Application(middlewares=[jwt_authorization_middleware])
    api["agent_configuration"] = connections.get_default_connection_configuration()
    api.router.add_post("/messages", messages)
    app = web.Application()
    app.add_subapp("/api", api)
    return app


def teams_message(service_url: str, text: str) -> tuple[bytes, dict[str, str]]:
    """A personal-chat message from @bench.lro, as Teams posts it."""
    body = {
        "type": "message",
        "id": f"in-{uuid.uuid4().hex[:12]}",
        "timestamp": "2027-03-03T09:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": f"29:{BENCH_TEAMS}", "name": "Bench LRO", "aadObjectId": BENCH_TEAMS},
        "conversation": {
            "id": "a:bench-personal",
            "conversationType": "personal",
            "tenantId": TENANT,
        },
        "recipient": {"id": "28:socbot-bench", "name": "socbot"},
        "channelData": {"tenant": {"id": TENANT}},
        "locale": "en-GB",
        "text": text,
    }
    return json.dumps(body).encode(), {"Content-Type": "application/json"}


# -- the measurement --------------------------------------------------------------------------


def constant_bot(bot: Any) -> Any:
    """A bot on the same store whose every command answers a constant: socbot's face alone."""
    from socbot.bot import Bot
    from socbot.model import Reply

    class Constant(Bot):
        def handle(self, text: str, who: Any, *, face: str, **_: Any) -> Reply:
            return Reply(text=CONSTANT)  # whatever else the faces pass (channel, audience)

    return Constant(bot.engine, settings=bot.settings, clock=bot.clock)


def round_trips(bot: Any, *, requests: int, warmup: int = 20) -> dict[str, dict[str, Any]]:
    """Per face: latencies (seconds) of socbot, socbot's face over a constant-answer bot, and
    the bare SDK app, alternating, after a warm-up of each; or ``{"error": ...}`` when a face
    does not answer as it should."""
    from socbot.faces.slack import app as slack_face
    from socbot.faces.teams import app as teams_face

    loop = Loopback()
    found: dict[str, dict[str, Any]] = {}
    fixed = constant_bot(bot)
    try:
        slack_api = loop.serve(slack_standin) + "/api/"
        respond = slack_api.replace("/api/", "/respond/r1")
        connector = loop.serve(connector_standin)
        targets = {
            "slack": (
                {
                    "socbot": lambda: slack_face.build_app(bot, api_url=slack_api),
                    "face": lambda: slack_face.build_app(fixed, api_url=slack_api),
                    "bare": lambda: bare_bolt(slack_api),
                },
                "/slack/events",
                lambda: slash("status OCG-0042", respond),
                200,
            ),
            "teams": (
                {
                    "socbot": lambda: teams_face.build_app(bot, env=ANONYMOUS),
                    "face": lambda: teams_face.build_app(fixed, env=ANONYMOUS),
                    "bare": bare_agent,
                },
                "/api/messages",
                lambda: teams_message(connector, "status OCG-0042"),
                202,
            ),
        }
        for face, (apps, path, make, ok) in targets.items():
            clients = {}
            try:
                clients = {name: Client(loop.serve(app)) for name, app in apps.items()}
                found[face] = _alternate(clients, path, make, ok, requests, warmup)
            except Exception as exc:  # a broken face is reported, not fatal to the run
                found[face] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            for client in clients.values():
                client.close()
    finally:
        loop.close()
    return found


def _alternate(
    clients: dict[str, Client],
    path: str,
    make: Callable[[], tuple[bytes, dict[str, str]]],
    ok: int,
    requests: int,
    warmup: int,
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in clients}
    for n in range(warmup + requests):
        for name, client in clients.items():
            body, headers = make()
            start = time.perf_counter()
            status, answer = client.post(path, body, headers)
            elapsed = time.perf_counter() - start
            if status != ok:
                raise RuntimeError(f"{name} answered HTTP {status} {answer[:200]!r}")
            if n == 0 and name != "bare" and ok == 200 and b"OCG-0042" not in answer:
                raise RuntimeError(f"socbot's answer lacks the OCG: {answer[:200]!r}")
            if n >= warmup:
                times[name].append(elapsed)
    return times
