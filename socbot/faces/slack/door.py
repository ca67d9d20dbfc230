"""The Slack HTTP front door: size, type, signature and replay are checked before anything parses.

slack-bolt parses a body before it checks the signature (900 KB of ``[`` was a RecursionError and a
500 for anyone on the internet) and its check raises on a timestamp such as ``abc``; it also logged
the raw body of a badly signed request. So socbot checks here first, with slack_sdk's verifier, and
bolt is told not to check again. Every refusal is a 4xx with a one-line log at INFO, never a
traceback, and says nothing about the body.

A slash command, once bolt has let one through (so the app's token passed bolt's ``auth.test``),
comes out as a ``Slash``: its form parsed as bolt parses it, for the face to answer without bolt's
dispatch (its request object, middleware chain and listener matching were a tenth of the
server's CPU per command, and none of it does anything for a slash command after the first).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

from socbot.guards import first_time
from socbot.shared_state import Shared

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024  # Slack's largest payloads (a modal's state) are tens of KB
CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "application/json"})
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def _refuse(status: int, reason: str) -> web.Response:
    log.info("refused a Slack request: %s", reason)
    return web.json_response({"ok": False, "error": reason}, status=status)


@dataclass(frozen=True)
class Slash:
    """A signed slash command, its form as bolt would give it to the listener."""

    body: dict[str, Any]


def _slash(parsed: object) -> bool:
    """What bolt's ``app.command(re.compile("^/"))`` listener would be given."""
    return isinstance(parsed, dict) and str(parsed.get("command", "")).startswith("/")


class FrontDoor:
    """Turns an aiohttp request into a bolt request (or a ``Slash``), or into the 4xx it
    deserves."""

    def __init__(self, signing_secret: str, shared: Shared):
        self.verifier = SignatureVerifier(signing_secret)
        self.shared = shared
        self.direct = False  # set by the face once bolt has run a slash command

    async def admit(self, request: web.Request) -> AsyncBoltRequest | Slash | web.Response:
        if request.content_type not in CONTENT_TYPES:
            return _refuse(415, "unsupported content type")
        raw = await request.read()  # aiohttp answers 413 past the app's client_max_size
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _refuse(400, "body is not UTF-8")
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not (
            _TIMESTAMP.fullmatch(timestamp)
            and _SIGNATURE.fullmatch(signature)
            and self.verifier.is_valid(body, timestamp, signature)
        ):
            return _refuse(401, "invalid signature")
        admitted: AsyncBoltRequest | Slash
        try:
            parsed = parse_body(body, request.content_type) if self.direct else None
            if _slash(parsed):
                admitted = Slash(parsed)  # type: ignore[arg-type]
            else:
                admitted = AsyncBoltRequest(
                    body=body,
                    query=request.query_string,
                    headers=request.headers,  # type: ignore[arg-type]
                )
        except Exception as exc:  # signed, so from Slack, yet not something bolt can read
            return _refuse(400, f"unreadable body ({type(exc).__name__})")
        if isinstance(admitted, AsyncBoltRequest) and "event_id" in admitted.body:
            return admitted  # Slack's retries differ only in timestamp: by id, later
        key = "slack:" + hashlib.sha256(signature.encode()).hexdigest()
        if not await asyncio.to_thread(first_time, self.shared, key):
            return _refuse(409, "replayed request")
        return admitted
