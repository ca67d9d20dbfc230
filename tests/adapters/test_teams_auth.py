"""Tokens on the Teams face: with a client id configured, only requests signed by the Bot Framework
for this bot get in. The SDK's own JWT middleware and validator run unchanged; only the place the
signing keys come from is redirected to the stand-in's JWKS (never the internet), and outbound
tokens come from a fake provider.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from microsoft_agents.hosting.core import JwtTokenValidator, OutboundHostValidator
from microsoft_agents.hosting.core.authorization.jwt.jwt_token_validator import _JwkClientManager
from sqlmodel import Session, func, select
from teams_standin import (
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
from socbot.faces.teams import app as teams_face
from socbot.faces.teams.app import build_app
from socbot.faces.teams.config import TeamsConfigError
from socbot.outbox import deliver_due
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

    def token(self, **kw) -> dict[str, str]:  # type: ignore[no-untyped-def]
        audience = kw.pop("audience", APP_ID)
        return {"Authorization": f"Bearer {self.signer.token(audience, self.standin.url, **kw)}"}


def audit_count(bot: Bot) -> int:
    with Session(bot.engine) as session:
        return session.exec(select(func.count()).select_from(AuditEvent)).one()


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


async def test_a_token_signed_for_this_bot_is_accepted(secured: Secured) -> None:
    assert await secured.post(secured.token()) == 202
    [reply] = secured.standin.calls
    assert "Smith Brothers" in reply.card_text
    assert reply.authorization == f"Bearer {OUTBOUND_TOKEN}", "replies carry the bot's token"
    assert BOTFRAMEWORK_KEYS in secured.keys.asked, "keys were looked up for the real issuer"


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(None, id="no-token"),
        pytest.param({"Authorization": "Bearer garbage"}, id="garbage"),
        pytest.param({"Authorization": "Bearer a.b.c"}, id="malformed-jwt"),
        pytest.param({"Authorization": "Basic b2thZm9yOnBhc3N3b3Jk"}, id="wrong-scheme"),
        pytest.param("wrong-audience", id="wrong-audience"),
        pytest.param("expired", id="expired"),
        pytest.param("wrong-key", id="signed-by-someone-else"),
    ],
)
async def test_a_request_without_a_good_token_is_refused_and_leaves_no_trace(
    secured: Secured, headers: object
) -> None:
    if headers == "wrong-audience":
        headers = secured.token(audience="11111111-2222-4333-8444-555555555555")
    elif headers == "expired":
        headers = secured.token(exp=1_700_000_000, nbf=1_690_000_000, iat=1_690_000_000)
    elif headers == "wrong-key":
        forger = Signer(kid=secured.signer.kid)  # same key id, different key
        headers = {"Authorization": f"Bearer {forger.token(APP_ID, secured.standin.url)}"}
    before = audit_count(secured.bot)
    assert await secured.post(headers) == 401  # type: ignore[arg-type]
    assert audit_count(secured.bot) == before, "nothing recorded"
    assert secured.standin.calls == [], "nothing said"


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
