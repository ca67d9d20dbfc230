"""The Teams face's front door: with a client id configured, only requests signed by the Bot
Framework for this bot, carrying a Teams activity from an allowed tenant, get in; everything else
gets a 4xx, nothing runs, and the log has no traceback. The SDK's own JWT middleware and validator
run unchanged; only the place the signing keys come from is redirected to the stand-in's JWKS
(never the internet, whichever issuer a token names), and outbound tokens come from a fake
provider.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt
import pytest
from jwt.utils import base64url_encode
from microsoft_agents.hosting.core import JwtTokenValidator, OutboundHostValidator
from microsoft_agents.hosting.core.authorization.jwt.jwt_token_validator import _JwkClientManager
from sqlmodel import Session, func, select
from teams_standin import (
    BOTFRAMEWORK_ISSUER,
    OUTBOUND_TOKEN,
    TENANT,
    FakeTokenProvider,
    Signer,
    StandIn,
    activity,
    start,
)

from socbot import Reply, outbox, people
from socbot.bot import Bot
from socbot.delivery import deliver_due
from socbot.faces.teams import app as teams_face
from socbot.faces.teams.app import build_app
from socbot.faces.teams.config import TeamsConfigError
from socbot.store.models import AuditEvent, Person

APP_ID = "8d3a1c2e-5b4f-4e6a-9c7d-0a1b2c3d4e5f"
PREFIX = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__"
REGISTERED = {
    PREFIX + "CLIENTID": APP_ID,
    PREFIX + "TENANTID": TENANT,
    PREFIX + "CLIENTSECRET": "never-sent-anywhere",
}
OKAFOR = "00000000-0000-4000-8000-00000000000a"
BOTFRAMEWORK_KEYS = "https://login.botframework.com/v1/.well-known/keys"
PARTNER = "5e0c4d1a-0000-4000-8000-00000000000f"  # another organisation's Entra tenant
MICROSOFT = "d6d49420-f39b-4df7-a1dc-d59a935871db"  # a tenant Microsoft's own services sign from


class LocalKeys(_JwkClientManager):
    """The validator's key source, pointed at the stand-in; records which URL it was asked for."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.asked: list[str] = []

    def _get_jwk_client(self, jwks_uri: str):  # type: ignore[no-untyped-def]
        self.asked.append(jwks_uri)
        return super()._get_jwk_client(self.url)


@dataclass
class Secured:
    url: str
    standin: StandIn
    http: aiohttp.ClientSession
    bot: Bot
    signer: Signer
    keys: LocalKeys

    async def post(self, headers: dict[str, str] | None, **kw) -> int:  # type: ignore[no-untyped-def]
        body = activity(self.standin.url, aad=OKAFOR, text="status smith", **kw)
        async with self.http.post(f"{self.url}/api/messages", json=body, headers=headers) as r:
            return r.status

    async def post_raw(self, data: bytes, headers: dict[str, str] | None) -> int:
        headers = {"Content-Type": "application/json", **(headers or {})}
        async with self.http.post(f"{self.url}/api/messages", data=data, headers=headers) as r:
            return r.status

    def token(self, **kw) -> dict[str, str]:  # type: ignore[no-untyped-def]
        audience = kw.pop("audience", APP_ID)
        return {"Authorization": f"Bearer {self.signer.token(audience, self.standin.url, **kw)}"}


def audit_count(bot: Bot) -> int:
    with Session(bot.engine) as session:
        return session.exec(select(func.count()).select_from(AuditEvent)).one()


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """Junk at the door is refused quietly: no record with a traceback, at any level."""
    assert not [r for r in caplog.records if r.exc_info or r.stack_info], caplog.text
    assert "Traceback" not in caplog.text


@pytest.fixture
async def secured(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Secured]:
    with Session(bot.engine) as session:
        person = session.exec(select(Person).where(Person.handle == "okafor")).one()
        people.link(session, person=person, identity=f"teams:{OKAFOR}", now=bot.clock.utcnow())
        session.commit()
    signer = Signer()
    standin = StandIn(jwks={"keys": [signer.jwk()]})
    standin_runner, standin.url = await start(standin.app())
    keys = LocalKeys(f"{standin.url}/keys")
    monkeypatch.setattr(JwtTokenValidator, "_jwk_client_manager", keys)
    app = build_app(
        bot,
        env=REGISTERED,
        provider_factory=FakeTokenProvider,
        host_validator=OutboundHostValidator(enabled=False),  # the stand-in is plain http
    )
    runner, url = await start(app)
    async with aiohttp.ClientSession() as http:
        yield Secured(url, standin, http, bot, signer, keys)
    await runner.cleanup()
    await standin_runner.cleanup()
    assert standin.invalid == [], "the bot sent activities the SDK's own model refuses"


async def test_a_token_signed_for_this_bot_is_accepted(secured: Secured) -> None:
    assert await secured.post(secured.token()) == 202
    [reply] = secured.standin.calls
    assert "Smith Brothers" in reply.card_text
    assert reply.authorization == f"Bearer {OUTBOUND_TOKEN}", "replies carry the bot's token"
    assert BOTFRAMEWORK_KEYS in secured.keys.asked, "keys were looked up for the real issuer"


def forged(secured: Secured, kind: str) -> dict[str, str]:
    """Tokens an attacker can make without the Bot Framework's key."""
    claims = {"iss": BOTFRAMEWORK_ISSUER, "aud": APP_ID, "serviceurl": secured.standin.url}
    claims |= {"nbf": 1_900_000_000, "exp": 4_000_000_000}
    kid = secured.signer.kid
    if kind == "wrong-key":  # same key id, different key
        token = Signer(kid=kid).token(APP_ID, secured.standin.url)
    elif kind == "alg-none":  # unsigned, no key id: the SDK looked up header["kid"] (KeyError, 500)
        token = jwt.encode(claims, None, algorithm="none")
    elif kind == "no-kid":
        token = jwt.encode(claims, secured.signer.key, algorithm="RS256")
    elif kind == "hs256":  # a shared-secret algorithm, with the real key id
        token = jwt.encode(claims, "a-guessed-secret-" * 2, algorithm="HS256", headers={"kid": kid})
    elif kind == "kid-not-a-string":  # PyJWT won't make one: by hand
        parts = [{"alg": "RS256", "kid": 7}, claims]
        token = ".".join(base64url_encode(json.dumps(p).encode()).decode() for p in parts) + ".c2ln"
    else:
        raise AssertionError(kind)
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(None, id="no-token"),
        pytest.param({"Authorization": "Bearer garbage"}, id="garbage"),
        pytest.param({"Authorization": "Bearer a.b.c"}, id="malformed-jwt"),
        pytest.param({"Authorization": "Bearer e30.e30."}, id="empty-header-and-claims"),
        pytest.param({"Authorization": "Basic b2thZm9yOnBhc3N3b3Jk"}, id="wrong-scheme"),
        pytest.param("wrong-audience", id="wrong-audience"),
        pytest.param("expired", id="expired"),
        pytest.param("wrong-key", id="signed-by-someone-else"),
        pytest.param("alg-none", id="alg-none-without-kid"),
        pytest.param("no-kid", id="rs256-without-kid"),
        pytest.param("hs256", id="hs256-with-the-real-kid"),
        pytest.param("kid-not-a-string", id="kid-not-a-string"),
    ],
)
async def test_a_request_without_a_good_token_is_refused_and_leaves_no_trace(
    secured: Secured, headers: object, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    if headers == "wrong-audience":
        headers = secured.token(audience="11111111-2222-4333-8444-555555555555")
    elif headers == "expired":
        headers = secured.token(exp=1_700_000_000, nbf=1_690_000_000, iat=1_690_000_000)
    elif isinstance(headers, str):
        headers = forged(secured, headers)
    before = audit_count(secured.bot)
    assert await secured.post(headers) == 401  # type: ignore[arg-type]
    assert audit_count(secured.bot) == before, "nothing recorded"
    assert secured.standin.calls == [], "nothing said"
    no_traceback(caplog)


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"iss": f"https://sts.windows.net/{TENANT}/"}, id="own-tenant-entra-v1"),
        pytest.param(
            {"iss": f"https://login.microsoftonline.com/{TENANT}/v2.0", "tid": TENANT},
            id="own-tenant-entra-v2",
        ),
        pytest.param(
            {"iss": f"https://login.microsoftonline.com/{PARTNER}/v2.0", "tid": PARTNER},
            id="another-tenant",
        ),
        pytest.param(
            {"iss": f"https://login.microsoftonline.com/{MICROSOFT}/v2.0", "tid": PARTNER},
            id="microsofts-issuer-for-another-tenant",
        ),
        pytest.param({"iss": "https://api.botframework.com.evil.example"}, id="look-alike"),
    ],
)
async def test_only_the_bot_framework_may_issue_tokens_for_channel_traffic(
    secured: Secured, claims: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """Any app in any tenant can get an Entra token for our app id: that proves nothing about
    Teams, so a token must come from the Bot Framework (or Microsoft's own service tenants)."""
    before = audit_count(secured.bot)
    assert await secured.post(secured.token(**claims)) == 401
    assert audit_count(secured.bot) == before
    assert secured.standin.calls == []
    no_traceback(caplog)


async def test_microsofts_own_service_tenants_are_trusted_as_the_sdk_requires(
    secured: Secured,
) -> None:
    """The SDK always trusts the tenants Azure Bot Service signs from, bound to their ``tid``."""
    issuer = f"https://login.microsoftonline.com/{MICROSOFT}/v2.0"
    assert await secured.post(secured.token(iss=issuer, tid=MICROSOFT)) == 202
    assert "Smith Brothers" in secured.standin.calls[-1].card_text


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"tenant": PARTNER}, id="another-tenant"),
        pytest.param({"tenant": None}, id="no-tenant"),
        pytest.param({"channelData": {"tenant": {"id": PARTNER}}}, id="tenants-disagree"),
        pytest.param({"channelId": "webchat"}, id="web-chat"),
        pytest.param({"channelId": "emulator"}, id="emulator"),
    ],
)
async def test_an_activity_from_outside_the_tenant_or_not_from_teams_is_refused_before_it_runs(
    secured: Secured, extra: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    before = audit_count(secured.bot)
    assert await secured.post(secured.token(), **extra) == 403
    assert audit_count(secured.bot) == before, "nothing recorded"
    assert secured.standin.calls == [], "nothing said"
    no_traceback(caplog)


async def test_partner_tenants_can_be_allowed(secured: Secured, bot: Bot) -> None:
    bot.settings.teams_tenants = f"{TENANT}, {PARTNER.upper()}"
    async with serving(bot, secured.standin) as url:
        body = activity(secured.standin.url, aad=OKAFOR, text="status smith", tenant=PARTNER)
        async with secured.http.post(
            f"{url}/api/messages", json=body, headers=secured.token()
        ) as response:
            assert response.status == 202
    assert "Smith Brothers" in secured.standin.calls[-1].card_text


def body_of(kind: str, service_url: str) -> bytes:
    good = activity(service_url, aad=OKAFOR, text="status smith")
    broken: Any = {
        "not-json": b"{not json",
        "not-utf8": b"\xff\xfe{}",
        "a-list": [good],
        "a-string": "status smith",
        "empty-object": {},
        "no-conversation": {**good, "conversation": None},
        "no-sender": {**good, "from": None},
        "no-service-url": {k: v for k, v in good.items() if k != "serviceUrl"},
        "bad-timestamp": {**good, "timestamp": "yesterday"},
        "text-not-a-string": {**good, "text": {"$ne": None}},
        "huge": {**good, "text": "x" * 3_000_000},
        "sub-channel-conflict": {  # the SDK's model raises a bare Exception for this one
            **good,
            "channelId": "msteams:COPILOT",
            "entities": [{"type": "ProductInfo", "id": "OUTLOOK"}],
        },
    }[kind]
    return broken if isinstance(broken, bytes) else json.dumps(broken).encode()


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("not-json", 400),
        ("not-utf8", 400),
        ("a-list", 400),
        ("a-string", 400),
        ("empty-object", 400),
        ("no-conversation", 400),
        ("no-sender", 400),
        ("no-service-url", 400),
        ("bad-timestamp", 400),
        ("text-not-a-string", 400),
        ("huge", 413),
        ("sub-channel-conflict", 400),
    ],
)
@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
async def test_a_malformed_body_gets_a_4xx_and_no_traceback(
    secured: Secured, kind: str, status: int, signed: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    before = audit_count(secured.bot)
    headers = secured.token() if signed else None
    answer = await secured.post_raw(body_of(kind, secured.standin.url), headers)
    assert answer == (status if signed else 401)
    assert audit_count(secured.bot) == before
    assert secured.standin.calls == []
    no_traceback(caplog)


async def test_a_person_is_known_by_their_entra_object_id_only(secured: Secured) -> None:
    """``from.id`` is whatever the sender says; without ``aadObjectId`` nobody is recognised,
    even when the ``from.id`` given is an enrolled person's object id."""
    sender = {"id": OKAFOR, "name": "Grace Okafor"}
    assert await secured.post(secured.token(), **{"from": sender}) == 202
    [reply] = secured.standin.calls
    assert "don't know who you are" in reply.card_text and "Smith" not in reply.card_text


async def test_a_nudge_later_carries_the_bots_own_token(secured: Secured) -> None:
    """The stored conversation keeps the token's claims, so proactive sends authenticate too."""
    assert await secured.post(secured.token()) == 202
    with Session(secured.bot.engine) as session:
        person = session.exec(select(Person).where(Person.handle == "okafor")).one()
        outbox.enqueue(
            session,
            key="test:nudge",
            kind="nudge",
            reply=Reply(title="Overdue action"),
            now=secured.bot.clock.utcnow(),
            person_id=person.id,
        )
        session.commit()
    assert (await asyncio.to_thread(deliver_due, secured.bot))["sent"] == 1
    nudge = secured.standin.calls[-1]
    assert nudge.path == "/v3/conversations/a:personal-chat/activities"
    assert "Overdue action" in nudge.card_text
    assert nudge.authorization == f"Bearer {OUTBOUND_TOKEN}"


async def test_healthz_needs_no_token(secured: Secured) -> None:
    async with secured.http.get(f"{secured.url}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"ok": True, "face": "teams", "auth": True}


@asynccontextmanager
async def serving(bot: Bot, standin: StandIn) -> AsyncIterator[str]:
    """Another registered Teams app for ``bot`` (the ``secured`` fixture's keys stay in place)."""
    app = build_app(
        bot,
        env=REGISTERED,
        provider_factory=FakeTokenProvider,
        host_validator=OutboundHostValidator(enabled=False),
    )
    runner, url = await start(app)
    try:
        yield url
    finally:
        await runner.cleanup()


async def test_a_registered_bot_only_answers_microsoft_service_urls(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default outbound check: a signed request may not send our replies somewhere else."""
    signer = Signer()
    standin = StandIn(jwks={"keys": [signer.jwk()]})
    standin_runner, standin.url = await start(standin.app())
    monkeypatch.setattr(JwtTokenValidator, "_jwk_client_manager", LocalKeys(f"{standin.url}/keys"))
    runner, url = await start(build_app(bot, env=REGISTERED, provider_factory=FakeTokenProvider))
    try:
        body = activity(standin.url, aad=OKAFOR, text="status smith")
        token = signer.token(APP_ID, standin.url)
        async with aiohttp.ClientSession() as http:
            headers = {"Authorization": f"Bearer {token}"}
            async with http.post(f"{url}/api/messages", json=body, headers=headers) as r:
                assert r.status == 401
        assert standin.calls == []
    finally:
        await runner.cleanup()
        await standin_runner.cleanup()


# -- configuration ----------------------------------------------------------------------------


def test_anonymous_mode_is_refused_when_a_client_id_is_set(bot: Bot) -> None:
    env = {**REGISTERED, PREFIX + "ANONYMOUS_ALLOWED": "true"}
    with pytest.raises(TeamsConfigError, match="Refusing to start"):
        build_app(bot, env=env)


@pytest.mark.parametrize("flag", [None, "false", "yes", ""])
def test_no_client_id_and_no_explicit_anonymous_mode_is_refused(bot: Bot, flag: str | None) -> None:
    env = {} if flag is None else {PREFIX + "ANONYMOUS_ALLOWED": flag}
    with pytest.raises(TeamsConfigError, match="CLIENTID"):
        build_app(bot, env=env)


def test_serve_explains_a_refused_configuration(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    for key, value in REGISTERED.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv(PREFIX + "ANONYMOUS_ALLOWED", "true")
    args = argparse.Namespace(host="127.0.0.1", port=0)
    assert teams_face.serve(bot, args) == 2
    assert "Refusing to start" in capsys.readouterr().err


@pytest.mark.parametrize("key", ["ISSUERS", "VALIDATE_ISSUER"])
def test_issuer_settings_from_the_environment_are_refused(bot: Bot, key: str) -> None:
    """socbot decides who may issue tokens; ``VALIDATE_ISSUER=false`` would undo it silently."""
    with pytest.raises(TeamsConfigError, match="sets ISSUERS and VALIDATE_ISSUER itself"):
        build_app(bot, env={**REGISTERED, PREFIX + key: "false"})


def test_a_registered_bot_without_a_tenant_to_serve_is_refused(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    for key, value in REGISTERED.items():
        if not key.endswith("TENANTID"):
            monkeypatch.setenv(key, value)
    args = argparse.Namespace(host="127.0.0.1", port=0)
    assert teams_face.serve(bot, args) == 2
    assert "SOCBOT_TEAMS_TENANTS" in capsys.readouterr().err
