"""What an operator's tools ask every server (Slack and Teams alike): ``/readyz`` (send me
traffic?), ``/metrics`` (Prometheus), and a request id on every request.

``/healthz`` (beside it, in each face's app) says only that the process and its database answer,
for a liveness probe. ``/readyz`` also says the store is at the newest revision of the core and
of every plugin's branch: a replica whose code is newer than the store (the migrations have not
run yet) is taken out of the load balancer, not restarted. A store ahead of the code (an old
replica during a rolling upgrade, after the migrations ran) is ready with a note: migrations are
written to be additive so the old code keeps working until it is replaced (docs/deploy.md);
taking every old replica out at once would be an outage.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from sqlalchemy import text

from socbot import metrics, request_log
from socbot.bot import Bot
from socbot.store.engine import alembic_config, store_versions, tables_for

log = logging.getLogger(__name__)
BOT_KEY = web.AppKey("socbot_bot", Bot)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Readiness:
    """The newest revisions are read once (they are in the code); the store's at each probe."""

    def __init__(self, bot: Bot):
        self.bot = bot
        self._known: tuple[set[str], set[str]] | None = None

    def _revisions(self) -> tuple[set[str], set[str]]:
        """The newest revision of each branch `socbot db upgrade` brings, and every revision."""
        if self._known is None:
            from alembic.script import ScriptDirectory

            script = ScriptDirectory.from_config(alembic_config(None, tables_for(None)))  # type: ignore[arg-type]
            self._known = (set(script.get_heads()), {r.revision for r in script.walk_revisions()})
        return self._known

    def check(self) -> str | None:
        """None when ready, else why not (one line, for the probe's log and a person)."""
        try:
            with self.bot.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            return f"database unreachable ({type(exc).__name__})"
        newest, known = self._revisions()
        have = store_versions(self.bot.engine)
        missing, newer = newest - have, have - known
        if missing and not newer:
            return (
                f"migrations behind: the store lacks {', '.join(sorted(missing))}; "
                "run `socbot db upgrade`"
            )
        return None

    def note(self) -> str | None:
        """Ready, but worth saying: the store is ahead of this code (a rolling upgrade)."""
        newer = store_versions(self.bot.engine) - self._revisions()[1]
        if not newer:
            return None
        return f"the store has {', '.join(sorted(newer))}, newer than this code: replace me"


@web.middleware
async def request_ids(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Each request gets an id (the caller's ``X-Request-Id`` if sensible), logged with every
    line the request causes and sent back in the response's header."""
    rid = request_log.new_id(request.headers.get("X-Request-Id"))
    token = request_log.request_id.set(rid)
    try:
        log.info("%s %s", request.method, request.path)
        response = await handler(request)
        response.headers["X-Request-Id"] = rid
        return response
    finally:
        request_log.request_id.reset(token)


def add_routes(app: web.Application, bot: Bot) -> None:
    """``GET /readyz`` and ``GET /metrics`` on a face's app."""
    readiness = Readiness(bot)

    async def readyz(_request: web.Request) -> web.Response:
        reason = await asyncio.to_thread(readiness.check)
        if reason is not None:
            log.warning("not ready: %s", reason)
            return web.json_response({"ok": False, "reason": reason}, status=503)
        note = await asyncio.to_thread(readiness.note)
        return web.json_response({"ok": True, **({"note": note} if note else {})})

    async def scrape(_request: web.Request) -> web.Response:
        now = bot.clock.utcnow().timestamp
        body = await asyncio.to_thread(metrics.exposition, bot.engine, now)
        return web.Response(body=body, headers={"Content-Type": metrics.CONTENT_TYPE})

    app[BOT_KEY] = bot
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", scrape)
