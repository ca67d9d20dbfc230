"""Serving the Slack face: one aiohttp app with ``POST /slack/events`` (slash commands,
interactivity and events alike, each request checked by ``door`` before bolt sees it),
``GET /healthz``, ``/readyz`` and ``/metrics`` (``socbot.ops_http``); ``--socket`` uses Socket
Mode for networks that allow no inbound connections.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from sqlalchemy import text as sql

from socbot import ops_http
from socbot.bot import Bot
from socbot.faces.slack.door import MAX_BODY, Slash
from socbot.faces.slack.face import SlackFace, secret

log = logging.getLogger(__name__)
FACE_KEY = web.AppKey("slack_face", object)


def web_app(face: SlackFace) -> web.Application:
    """The aiohttp app for HTTP mode."""

    async def events(request: web.Request) -> web.Response:
        assert face.door is not None  # HTTP mode always has a signing secret
        admitted = await face.door.admit(request)
        if isinstance(admitted, web.Response):
            return admitted
        if isinstance(admitted, Slash):
            return await to_aiohttp_response(await face.slash(admitted.body))
        return await to_aiohttp_response(await face.app.async_dispatch(admitted))

    async def healthz(_request: web.Request) -> web.Response:
        def ping() -> None:
            with face.bot.engine.connect() as conn:
                conn.execute(sql("SELECT 1"))

        try:
            await asyncio.to_thread(ping)
        except Exception:
            log.exception("health check: database unreachable")
            return web.json_response({"ok": False, "database": "unreachable"}, status=503)
        return web.json_response({"ok": True})

    app = web.Application(client_max_size=MAX_BODY, middlewares=[ops_http.request_ids])
    app[FACE_KEY] = face
    app.router.add_post("/slack/events", events)
    app.router.add_get("/healthz", healthz)
    ops_http.add_routes(app, face.bot)
    app.on_startup.append(face.start)
    app.on_cleanup.append(face.close)
    return app


def build_app(bot: Bot, *, api_url: str | None = None) -> web.Application:
    """The aiohttp app for HTTP mode (tests and benchmarks mount it on any port)."""
    return web_app(SlackFace(bot, api_url=api_url))


def face_of(app: web.Application) -> SlackFace:
    face = app[FACE_KEY]
    assert isinstance(face, SlackFace)
    return face


def serve(bot: Bot, args: argparse.Namespace) -> int:
    """``socbot serve slack [--host] [--port] [--socket] [--no-scheduler]``: runs until
    interrupted."""
    from socbot import scheduler

    settings = bot.settings
    needed = {"SLACK_BOT_TOKEN": settings.slack_bot_token}
    if args.socket:
        needed["SLACK_APP_TOKEN"] = settings.slack_app_token
    else:
        needed["SLACK_SIGNING_SECRET"] = settings.slack_signing_secret
    missing = [name for name, value in needed.items() if not secret(value)]
    if missing:
        print(
            f"socbot serve slack: set {' and '.join(missing)} (see docs/slack.md)", file=sys.stderr
        )
        return 2
    face = SlackFace(bot, socket=args.socket)
    jobs = None if getattr(args, "no_scheduler", False) else scheduler.start(bot)
    try:
        if args.socket:
            print("socbot Slack face: Socket Mode (Ctrl-C to stop)", flush=True)
            asyncio.run(face.run_socket())
        else:
            port = args.port or 3000
            ready = f"socbot Slack face on http://{args.host}:{port}/slack/events (Ctrl-C to stop)"
            web.run_app(
                web_app(face),
                host=args.host,
                port=port,
                print=lambda _banner: print(ready, flush=True),  # once it is listening
                access_log=None,
            )
    except KeyboardInterrupt:
        pass
    finally:
        if jobs is not None:
            jobs.shutdown(wait=False)
    return 0
