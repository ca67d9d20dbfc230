"""The Teams endpoint's door: what may reach the SDK, and then a turn.

* ``token_shape``, a middleware run before the SDK's JWT middleware: a bearer token must say
  RS256 and name a key. The SDK looks its key up with ``header["kid"]`` unguarded, so an unsigned
  ``alg=none`` token without one was a KeyError: a 500 and a traceback for anyone who asked.
* ``refusal``, the handler's first step once the token is good: the body must be one activity the
  SDK's model accepts, from Teams (``channelId`` msteams), from an allowed Entra tenant. Anything
  else gets a 4xx and one log line, and nothing runs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

import jwt
from aiohttp import web
from microsoft_agents.activity import Activity

from socbot.faces.teams.refs import tenant_of

log = logging.getLogger(__name__)
TEAMS = "msteams"
_BAD_TOKEN = {"error": "Invalid token or authentication failed."}  # the SDK's own answer
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class _QuietModelErrors(logging.Filter):
    """The SDK logs every activity it cannot parse at ERROR, traceback and all, then raises; the
    caller decides what the error means (here: a 400 and one line), so its copy goes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Validation error for Activity")


logging.getLogger("microsoft_agents.activity.activity").addFilter(_QuietModelErrors())


@web.middleware
async def token_shape(request: web.Request, handler: _Handler) -> web.StreamResponse:
    """Refuse a bearer token that is not RS256 with a key id before the SDK reads it."""
    parts = request.headers.get("Authorization", "").split(maxsplit=1)
    if len(parts) == 2 and parts[0].lower() == "bearer" and not _signed_with_a_key(parts[1]):
        log.warning("Teams request refused (401): the token is not RS256 with a key id")
        return web.json_response(_BAD_TOKEN, status=401)
    return await handler(request)


def _signed_with_a_key(token: str) -> bool:
    try:
        header = jwt.get_unverified_header(token.strip())
    except (jwt.PyJWTError, ValueError):
        return False
    kid = header.get("kid")
    return header.get("alg") == "RS256" and isinstance(kid, str) and bool(kid)


async def refusal(request: web.Request, tenants: frozenset[str]) -> web.Response | None:
    """Why this request may not become a turn, as the response to give; None when it may.

    ``tenants`` empty means any tenant (anonymous, local mode only).
    """
    try:
        raw = await request.read()  # aiohttp refuses more than client_max_size (1 MiB)
    except web.HTTPRequestEntityTooLarge:
        return _refuse(413, "the body is too large")
    try:
        body = json.loads(raw)
    except ValueError:
        return _refuse(400, "the body is not JSON")
    if not isinstance(body, dict):
        return _refuse(400, "the body is not an activity")
    try:
        activity = Activity.model_validate(body)
    except Exception as exc:  # pydantic's errors, and the SDK's own bare Exception for sub-channels
        return _refuse(400, f"the activity is malformed ({type(exc).__name__})")
    missing = [
        name
        for name, value in (
            ("type", activity.type),
            ("conversation.id", activity.conversation.id if activity.conversation else None),
            ("serviceUrl", activity.service_url),
        )
        if not value
    ]
    if missing:
        return _refuse(400, f"the activity has no {', '.join(missing)}")
    channel = activity.channel_id.channel if activity.channel_id else None
    if channel != TEAMS:
        return _refuse(403, f"channel {str(channel)[:40]!r} is not Teams")
    tenant = tenant_of(activity)
    if tenants and tenant not in tenants:
        return _refuse(403, f"tenant {str(tenant)[:40]!r} is not allowed")
    return None


def _refuse(status: int, reason: str) -> web.Response:
    log.warning("Teams request refused (%d): %s", status, reason)
    return web.json_response({"error": f"Refused: {reason}."}, status=status)
