"""A local stand-in for the Bot Framework connector, plus what tests need to talk to the Teams face.

The stand-in records every call the bot makes (``POST/PUT /v3/conversations/...``), answers member
look-ups from a roster (one member, or a conversation's whole roster), and serves a JWKS so signed
tokens can be checked without the internet.
Tests wait on its recordings instead of sleeping. Like a strict connector, it refuses (400) any
activity the SDK's own ``Activity`` model rejects or that sends unset fields as ``null``, and keeps
a note of each in ``invalid``; the tests' fixtures fail when there is one.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from azure.core.credentials import AccessToken
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import AgentAuthConfiguration
from pydantic import ValidationError

TENANT = "72f988bf-0000-4000-8000-000000000001"
BOT_ID = "28:socbot-test"
OUTBOUND_TOKEN = "outbound-token-from-the-fake-provider"
BOTFRAMEWORK_ISSUER = "https://api.botframework.com"


@dataclass
class Call:
    method: str
    path: str
    conversation: str
    activity_id: str | None
    body: dict[str, Any]
    authorization: str | None

    @property
    def card(self) -> dict[str, Any] | None:
        """The Adaptive Card in this activity, if any."""
        for attachment in self.body.get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return attachment["content"]
        return None

    @property
    def card_text(self) -> str:
        return json.dumps(self.card or {}, ensure_ascii=False)


@dataclass
class StandIn:
    """The connector: records calls; ``members`` is the roster (Teams user id -> member JSON)."""

    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    rosters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # conversation -> all
    calls: list[Call] = field(default_factory=list)
    jwks: dict[str, Any] = field(default_factory=lambda: {"keys": []})
    fail_next: list[int] = field(default_factory=list)  # statuses to answer the next sends with
    invalid: list[str] = field(default_factory=list)  # activities refused as malformed
    url: str = ""
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition | None = None

    def app(self) -> web.Application:
        app = web.Application()
        base = "/v3/conversations/{conversation}/activities"
        app.router.add_post(base, self._activity)
        app.router.add_post(base + "/{activity}", self._activity)
        app.router.add_put(base + "/{activity}", self._activity)
        app.router.add_get("/v3/conversations/{conversation}/members", self._members)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)
        app.router.add_get("/keys", self._keys)
        return app

    async def _activity(self, request: web.Request) -> web.Response:
        body = await request.json()
        problem = malformed(body)
        if problem:
            self.invalid.append(f"{request.method} {request.path}: {problem}")
            return web.json_response({"error": {"code": "BadArgument"}}, status=400)
        if self.fail_next:
            return web.json_response(
                {"error": "busy"}, status=self.fail_next.pop(0), headers={"Retry-After": "120"}
            )
        activity_id = request.match_info.get("activity")
        self.calls.append(
            Call(
                request.method,
                request.path,
                request.match_info["conversation"],
                activity_id,
                body,
                request.headers.get("Authorization"),
            )
        )
        await self._notify()
        new_id = activity_id if request.method == "PUT" else f"sent-{next(self._ids)}"
        return web.json_response({"id": new_id})

    async def _member(self, request: web.Request) -> web.Response:
        member = self.members.get(request.match_info["member"])
        if member is None:
            return web.json_response(
                {"error": {"code": "MemberNotFoundInConversation"}}, status=404
            )
        return web.json_response(member)

    async def _members(self, request: web.Request) -> web.Response:
        """A conversation's whole roster (``GET .../members``), as Teams lists it."""
        roster = self.rosters.get(request.match_info["conversation"])
        if roster is None:
            return web.json_response({"error": {"code": "ConversationNotFound"}}, status=404)
        return web.json_response(roster)

    async def _keys(self, _request: web.Request) -> web.Response:
        return web.json_response(self.jwks)

    async def _notify(self) -> None:
        if self._changed is None:
            self._changed = asyncio.Condition()
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(
        self, predicate: Callable[[list[Call]], bool], timeout: float = 10.0
    ) -> list[Call]:
        """Wait until the recorded calls satisfy ``predicate`` (fails the test on timeout)."""
        if self._changed is None:
            self._changed = asyncio.Condition()
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: predicate(self.calls)), timeout)
        return self.calls

    def sent(self) -> list[Call]:
        """New messages (POST), not card updates."""
        return [c for c in self.calls if c.method == "POST" and c.body.get("type") == "message"]

    def updates(self) -> list[Call]:
        return [c for c in self.calls if c.method == "PUT"]


def malformed(body: dict[str, Any]) -> str | None:
    """Why a connector would refuse this activity: an unset field sent as null, or anything the
    SDK's own model rejects (it refuses ``"locale": null``, for one)."""
    nulls = sorted(key for key, value in body.items() if value is None)
    if nulls:
        return "null " + ", ".join(nulls)
    try:
        Activity.model_validate(body)
    except ValidationError as exc:
        return " ".join(str(exc).split())[:300]
    return None


def member(user_id: str, aad: str, email: str | None, name: str = "Someone") -> dict[str, Any]:
    return {
        "id": user_id,
        "aadObjectId": aad,
        "name": name,
        "email": email,
        "userPrincipalName": email,
        "tenantId": TENANT,
    }


def activity(
    service_url: str,
    *,
    aad: str,
    text: str | None = None,
    value: Any = None,
    conversation: str = "a:personal-chat",
    conversation_type: str = "personal",
    user_id: str | None = None,
    name: str = "Grace Okafor",
    reply_to: str | None = None,
    entities: list[dict[str, Any]] | None = None,
    kind: str = "message",
    tenant: str | None = TENANT,
    **extra: Any,
) -> dict[str, Any]:
    """A Teams-shaped activity as Teams posts it to ``/api/messages`` (from ``tenant``)."""
    body: dict[str, Any] = {
        "type": kind,
        "id": f"in-{uuid.uuid4().hex[:12]}",
        "timestamp": "2027-03-03T09:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": user_id or f"29:{aad}", "name": name, "aadObjectId": aad},
        "conversation": {
            "id": conversation,
            "conversationType": conversation_type,
            **({"tenantId": tenant} if tenant else {}),
            **({"isGroup": True} if conversation_type != "personal" else {}),
        },
        "recipient": {"id": BOT_ID, "name": "socbot"},
        "channelData": {"tenant": {"id": tenant}} if tenant else {},
        "locale": "en-GB",
    }
    if text is not None:
        body["text"] = text
    if value is not None:
        body["value"] = value
    if reply_to:
        body["replyToId"] = reply_to
    if entities:
        body["entities"] = entities
    body.update(extra)
    return body


def mention(account_id: str, name: str, aad: str | None = None) -> dict[str, Any]:
    mentioned: dict[str, Any] = {"id": account_id, "name": name}
    if aad:
        mentioned["aadObjectId"] = aad
    return {"type": "mention", "text": f"<at>{name}</at>", "mentioned": mentioned}


# -- tokens, keys and outbound credentials, all local ----------------------------------------------


class Signer:
    """An RSA key whose public half the stand-in serves as a JWKS; mints Bot Framework tokens."""

    def __init__(self, kid: str = "test-key") -> None:
        self.kid = kid
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwk(self) -> dict[str, Any]:
        data = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {**data, "kid": self.kid, "use": "sig", "alg": "RS256"}

    def token(self, audience: str, service_url: str, **claims: Any) -> str:
        now = int(time.time())
        payload = {
            "iss": BOTFRAMEWORK_ISSUER,
            "aud": audience,
            "serviceurl": service_url,
            "nbf": now - 60,
            "iat": now - 60,
            "exp": now + 3600,
            **claims,
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": self.kid})


class FakeTokenProvider:
    """Outbound tokens without Entra ID, for ``ConnectionManager(provider_factory=...)``."""

    def __init__(self, configuration: AgentAuthConfiguration) -> None:
        self._configuration = configuration

    @property
    def configuration(self) -> AgentAuthConfiguration:
        return self._configuration

    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        return OUTBOUND_TOKEN

    def get_token_credential(self) -> Any:
        class Credential:
            async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
                return AccessToken(OUTBOUND_TOKEN, int(time.time()) + 3600)

        return Credential()


async def start(app: web.Application) -> tuple[web.AppRunner, str]:
    """Serve ``app`` on 127.0.0.1 on a free port; returns the runner and the base URL.

    After answering a request whose body it did not read (a 401 or 413 to a huge upload), aiohttp
    drains the connection for up to ``lingering_time`` (10 s by default, aio-libs/aiohttp#1800),
    which would hold up the runner's cleanup; tests have nothing to wait for there.
    """
    runner = web.AppRunner(app, access_log=None, lingering_time=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"
