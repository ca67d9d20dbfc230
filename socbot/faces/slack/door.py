"""The Slack HTTP front door: size, type, signature and replay are checked before anything parses.

slack-bolt parses a body before it checks the signature (900 KB of ``[`` was a RecursionError and a
500 for anyone on the internet) and its check raises on a timestamp such as ``abc``; it also logged
the raw body of a badly signed request. So socbot checks here first, with slack_sdk's verifier, and
bolt is told not to check again. Every refusal is a 4xx with a one-line log at INFO, never a
traceback, and says nothing about the body.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re

from aiohttp import web
from slack_bolt.request.async_request import AsyncBoltRequest
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


class FrontDoor:
    """Turns an aiohttp request into a bolt request, or into the 4xx it deserves."""

    def __init__(self, signing_secret: str, shared: Shared):
        self.verifier = SignatureVerifier(signing_secret)
        self.shared = shared

    async def admit(self, request: web.Request) -> AsyncBoltRequest | web.Response:
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
        try:
            admitted = AsyncBoltRequest(
                body=body,
                query=request.query_string,
                headers=request.headers,  # type: ignore[arg-type]
            )
        except Exception as exc:  # signed, so from Slack, yet not something bolt can read
            return _refuse(400, f"unreadable body ({type(exc).__name__})")
        if "event_id" in admitted.body:  # Slack's retries differ only in timestamp: by id, later
            return admitted
        key = "slack:" + hashlib.sha256(signature.encode()).hexdigest()
        if not await asyncio.to_thread(first_time, self.shared, key):
            return _refuse(409, "replayed request")
        return admitted
