"""The Microsoft Teams face, on the Microsoft 365 Agents SDK (botbuilder's supported successor).

``build_app`` makes the aiohttp app: ``POST /api/messages`` behind the SDK's JWT middleware (in a
sub-app, so anything added under ``/api`` is protected by default) and open ``GET /healthz``,
``/readyz`` and ``/metrics`` (``socbot.ops_http``).
``teams_gate`` refuses, before the SDK sees them, tokens it would choke on and activities that are
malformed, not from Teams or from a tenant not allowed (``SOCBOT_TEAMS_TENANTS``).
``serve`` runs it with the scheduled jobs and outbox delivery (``socbot serve teams``). The turns
themselves are in ``teams_face``; what is sent, proactive delivery included, in ``teams_outbound``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web
from microsoft_agents.hosting.aiohttp import jwt_authorization_middleware, start_agent_process
from microsoft_agents.hosting.core import OutboundHostValidator
from sqlalchemy import text as sql

from socbot import ops_http
from socbot.bot import Bot
from socbot.faces.teams import config as teams_config
from socbot.faces.teams import gate as teams_gate
from socbot.faces.teams.face import FACE, TYPING_DELAY_MS, TeamsFace

__all__ = ["FACE_KEY", "TeamsFace", "build_app", "serve"]
DEFAULT_PORT = 3978
# The SDK keys its app and request storage with plain strings; aiohttp would warn on each request.
warnings.filterwarnings("ignore", category=web.NotAppKeyWarning, module=r"microsoft_agents\.")

FACE_KEY = web.AppKey("socbot.teams", TeamsFace)


async def _messages(request: web.Request) -> web.StreamResponse:
    face = request.config_dict[FACE_KEY]
    refused = await teams_gate.refusal(request, face.tenants)
    if refused is not None:
        return refused
    response = await start_agent_process(request, face.agent, face.adapter)
    return response if response is not None else web.Response(status=202)


async def _health(request: web.Request) -> web.Response:
    face = request.app[FACE_KEY]

    def ping() -> None:
        with face.bot.engine.connect() as conn:
            conn.execute(sql("SELECT 1"))

    try:
        await asyncio.to_thread(ping)
    except Exception as exc:
        return web.json_response({"ok": False, "database": type(exc).__name__}, status=503)
    return web.json_response({"ok": True, "face": FACE, "auth": bool(face.client_id)})


def build_app(
    bot: Bot,
    *,
    config: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    provider_factory: Callable[..., Any] | None = None,
    host_validator: OutboundHostValidator | None = None,
    typing_delay_ms: int | None = TYPING_DELAY_MS,
    scheduler: bool = False,
) -> web.Application:
    """The Teams face as an aiohttp app: tests, benchmarks and ``serve`` all start here.

    ``config`` defaults to the SDK's variables in ``env`` (default ``os.environ``) and is refused
    when unsafe (``TeamsConfigError``), as is a registered bot without a tenant to serve. While
    the app runs it delivers the outbox to Teams; ``scheduler=True`` also runs the jobs and the
    delivery sweep.
    """
    config = config if config is not None else teams_config.load(env)
    face = TeamsFace(
        bot,
        config,
        provider_factory=provider_factory,
        host_validator=host_validator,
        typing_delay_ms=typing_delay_ms,
    )
    api = web.Application(middlewares=[teams_gate.token_shape, jwt_authorization_middleware])
    with warnings.catch_warnings():  # the SDK's middleware reads this exact string key
        warnings.simplefilter("ignore", web.NotAppKeyWarning)
        api["agent_configuration"] = face.connections.get_default_connection_configuration()
    api.router.add_post("/messages", _messages)
    app = web.Application(middlewares=[ops_http.request_ids])
    app[FACE_KEY] = face
    app.router.add_get("/healthz", _health)
    ops_http.add_routes(app, bot)
    app.add_subapp("/api", api)
    plugins = face.plugins()

    async def start(_app: web.Application) -> None:
        face.sender.loop = asyncio.get_running_loop()
        for name, plugin in plugins.items():
            if bot.pm.has_plugin(name):
                bot.pm.unregister(name=name)  # one Teams sender per bot: the newest app
            bot.pm.register(plugin, name=name)
        if scheduler:
            from socbot.scheduler import start as start_scheduler

            face.scheduler = start_scheduler(bot)

    async def stop(_app: web.Application) -> None:
        face.sender.loop = None
        if face.scheduler is not None:  # off the loop: a delivery in flight needs the loop
            await asyncio.to_thread(face.scheduler.shutdown)
            face.scheduler = None
        for name, plugin in plugins.items():
            if bot.pm.get_plugin(name) is plugin:
                bot.pm.unregister(name=name)

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return app


def serve(bot: Bot, args: argparse.Namespace) -> int:
    """``socbot serve teams``: the web app plus scheduled jobs and outbox delivery."""
    try:
        config = teams_config.load()
        app = build_app(bot, config=config, scheduler=not getattr(args, "no_scheduler", False))
    except teams_config.TeamsConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    host, port = args.host, args.port or DEFAULT_PORT
    mode = "token checks on" if teams_config.client_id(config) else "ANONYMOUS, local use only"
    print(f"socbot Teams face on http://{host}:{port}/api/messages ({mode})", flush=True)
    web.run_app(app, host=host, port=port, print=None, access_log=None)
    return 0
