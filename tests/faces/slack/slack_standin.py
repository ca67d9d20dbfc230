"""A local stand-in for Slack, and a client that signs requests exactly as Slack does.

``SlackStandIn`` answers the Web API (``/api/<method>``), response_urls (``/respond/<name>``) and
file uploads on 127.0.0.1, recording every call; tests wait on it (``wait_for``), never on a
sleep. ``SignedSlack`` posts slash commands, interactivity payloads and events to the bot.
``SlackHarness`` wires both to a real ``build_app`` server on a free port.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientSession, WSMsgType, web
from slack_sdk.signature import SignatureVerifier
from sqlmodel import Session, func, select

from socbot import people
from socbot.bot import Bot
from socbot.faces.slack.app import build_app, face_of
from socbot.store.models import AuditEvent, Person

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-0000-test-token"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None = None


@dataclass
class Failure:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class SlackStandIn:
    """Records calls; ``users`` maps a Slack user id to a profile email for users.info."""

    calls: list[Call] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    base: str = ""
    conversations: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> info
    members: dict[str, list[str]] = field(default_factory=dict)  # channel -> member ids

    async def start(self) -> None:
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{name}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._sockets: list[web.WebSocketResponse] = []
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        for ws in self._sockets:
            await ws.close()
        await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.base}/respond/{name}"

    def fail_next(self, method: str, status: int = 429, retry_after: str = "1") -> None:
        """The next call to ``method`` fails (a 429 with Retry-After, by default)."""
        body = {"ok": False, "error": "ratelimited" if status == 429 else "fatal_error"}
        self.failures.setdefault(method, []).append(
            Failure(status, {"Retry-After": retry_after}, body)
        )

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until ``method`` has been called ``count`` times; fail the test on timeout."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.called(method)) >= count), timeout
            )
        return self.called(method)

    async def wait_until(self, test: Any, timeout: float = 5.0) -> list[Call]:
        """Wait until some recorded call passes ``test``; returns those that do."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: any(test(c) for c in self.calls)), timeout
            )
        return [c for c in self.calls if test(c)]

    async def envelope(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send a Socket Mode envelope to the connected app; returns its acknowledgement."""
        await self.wait_for("socket.connect")
        envelope_id = uuid.uuid4().hex
        message = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": True,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await self._sockets[-1].send_str(json.dumps(message))
        [ack] = await self.wait_until(
            lambda c: c.method == "socket.ack" and c.args.get("envelope_id") == envelope_id
        )
        return ack.args

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await self._record(Call("socket.connect", {}))
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                await self._record(Call("socket.ack", json.loads(message.data)))
        return ws

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(dict(await request.post()))
        for key in ("view", "blocks"):  # slack_sdk may send these as JSON strings
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        auth = request.headers.get("Authorization", "")
        await self._record(Call(method, args, auth.removeprefix("Bearer ") or args.get("token")))
        queued = self.failures.get(method)
        if queued:
            failure = queued.pop(0)
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        return web.json_response(self._answer(method, args))

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T0TEST"}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.base.replace("http", "ws", 1) + "/socket"}
        if method == "users.info":
            user = args.get("user", "")
            if user not in self.users:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": {"id": user, "profile": {"email": self.users[user]}}}
        if method == "chat.postMessage":
            channel = str(args.get("channel", ""))
            dm = "D" + channel[1:] if channel.startswith("U") else channel
            return {"ok": True, "channel": dm, "ts": f"{time.time():.6f}"}
        if method == "conversations.info":
            found = self.conversations.get(str(args.get("channel")))
            if found is None:
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "channel": {"id": args.get("channel"), **found}}
        if method == "conversations.members":
            listed = self.members.get(str(args.get("channel")))
            if listed is None:
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "members": listed, "response_metadata": {"next_cursor": ""}}
        if method in ("views.open", "views.publish", "views.update"):
            return {"ok": True, "view": {"id": "V0TEST", **(args.get("view") or {})}}
        if method == "files.getUploadURLExternal":
            return {"ok": True, "upload_url": f"{self.base}/upload/F0TEST", "file_id": "F0TEST"}
        if method == "files.completeUploadExternal":
            return {"ok": True, "files": [{"id": "F0TEST"}]}
        return {"ok": True}

    async def _respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        await self._record(Call("response_url", {"name": request.match_info["name"], **body}))
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        await self._record(
            Call("upload", {"file_id": request.match_info["file_id"], "size": len(data)})
        )
        return web.Response(text="OK")


class SignedSlack:
    """Posts to the bot as Slack does: form or JSON body, ``v0`` HMAC signature, timestamp."""

    def __init__(self, base: str, secret: str, standin: SlackStandIn):
        self.url = f"{base}/slack/events"
        self.base = base
        self.secret = secret
        self.standin = standin
        self.session = ClientSession()

    def sign(
        self, body: str, timestamp: int | None = None, secret: str | None = None
    ) -> dict[str, str]:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        signature = SignatureVerifier(secret or self.secret).generate_signature(
            timestamp=ts, body=body
        )
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}

    async def post(
        self,
        body: str,
        content_type: str = "application/x-www-form-urlencoded",
        *,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        """Send ``body`` with the given headers (unsigned unless they include a signature).
        ``replay()`` sends the last one again, byte for byte."""
        all_headers = {"Content-Type": content_type, **(headers or {})}
        self.last = (body, all_headers)
        async with self.session.post(self.url, data=body.encode(), headers=all_headers) as resp:
            text = await resp.text()
            try:
                return resp.status, json.loads(text) if text else None
            except ValueError:
                return resp.status, text

    async def replay(self) -> tuple[int, Any]:
        body, headers = self.last
        return await self.post(body, headers=headers)

    async def signed(
        self, body: str, content_type: str = "application/x-www-form-urlencoded", **headers: str
    ) -> tuple[int, Any]:
        return await self.post(body, content_type, headers={**self.sign(body), **headers})

    async def command(
        self, text: str, *, user: str = "U0OKAFOR", channel: str = "C0GENERAL", name: str = "r1"
    ) -> tuple[int, Any]:
        """``/ocg <text>`` as Slack sends it; the response_url is the stand-in's ``name``."""
        form = {
            "token": "legacy-verification-token",
            "team_id": "T0TEST",
            "channel_id": channel,
            "user_id": user,
            "command": "/ocg",
            "text": text,
            "response_url": self.standin.response_url(name),
            "trigger_id": f"1337.{uuid.uuid4().int % 10**9}.trigger",  # Slack's differ each time
        }
        return await self.signed(urlencode(form))

    async def interact(self, payload: dict[str, Any]) -> tuple[int, Any]:
        """A block_actions or view_submission payload, form-encoded as ``payload=<json>``."""
        return await self.signed(urlencode({"payload": json.dumps(payload)}))

    async def click(
        self,
        button: dict[str, Any],
        *,
        user: str,
        name: str = "b1",
        block_id: str = "b",
        **extra: Any,
    ) -> tuple[int, Any]:
        """Press a rendered button (a Block Kit element) in block ``block_id`` as ``user``."""
        payload = {
            "type": "block_actions",
            "team": {"id": "T0TEST"},
            "user": {"id": user},
            "api_app_id": "A0TEST",
            "trigger_id": "1337.43.trigger",
            "response_url": self.standin.response_url(name),
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": block_id,
                    "value": button.get("value", ""),
                    "action_ts": f"{time.time():.6f}",
                }
            ],
            **extra,
        }
        return await self.interact(payload)

    async def submit(
        self, view: dict[str, Any], values: dict[str, str], *, user: str
    ) -> tuple[int, Any]:
        """Submit a modal that was opened with ``view``, typing ``values`` into its inputs."""
        state: dict[str, Any] = {}
        for block in view["blocks"]:
            if block["type"] != "input":
                continue
            element = block["element"]
            name, kind = block["block_id"], element["type"]
            given = values.get(name)
            if kind == "datepicker":
                answer: dict[str, Any] = {"type": kind, "selected_date": given}
            elif kind == "static_select":
                option = {"text": {"type": "plain_text", "text": given}, "value": given}
                answer = {"type": kind, "selected_option": option if given else None}
            else:
                answer = {"type": kind, "value": given}
            state[name] = {element["action_id"]: answer}
        payload = {
            "type": "view_submission",
            "team": {"id": "T0TEST"},
            "user": {"id": user},
            "api_app_id": "A0TEST",
            "view": {**view, "id": "V0TEST", "state": {"values": state}},
            "trigger_id": f"1337.{uuid.uuid4().int % 10**9}.trigger",
        }
        return await self.interact(payload)

    async def event(self, event: dict[str, Any], event_id: str, **headers: str) -> tuple[int, Any]:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": "T0TEST",
                "api_app_id": "A0TEST",
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
                "event": event,
            }
        )
        return await self.signed(body, "application/json", **headers)

    async def close(self) -> None:
        await self.session.close()


@dataclass
class SlackHarness:
    """The bot's Slack face on a free loopback port, the stand-in, and a signing client."""

    bot: Bot
    standin: SlackStandIn
    slack: SignedSlack
    runner: web.AppRunner

    @classmethod
    async def start(cls, bot: Bot, link: dict[str, str] | None = None) -> SlackHarness:
        """``link`` maps handles to Slack ids, linked before the server starts."""
        with Session(bot.engine) as session:
            for handle, user_id in (link or {}).items():
                person = session.exec(select(Person).where(Person.handle == handle)).one()
                people.link(
                    session, person=person, identity=f"slack:{user_id}", now=bot.clock.utcnow()
                )
            session.commit()
        standin = SlackStandIn()
        await standin.start()
        runner = web.AppRunner(build_app(bot, api_url=standin.api_url), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        slack = SignedSlack(f"http://127.0.0.1:{port}", SECRET, standin)
        return cls(bot, standin, slack, runner)

    @property
    def face(self):  # type: ignore[no-untyped-def]
        return face_of(self.runner.app)

    def audit_count(self) -> int:
        with Session(self.bot.engine) as session:
            return session.exec(select(func.count()).select_from(AuditEvent)).one()

    async def stop(self) -> None:
        await self.slack.close()
        await self.runner.cleanup()
        await self.standin.stop()


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every button in rendered blocks (actions elements and section accessories)."""
    found = []
    for block in blocks:
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
        accessory = block.get("accessory")
        if accessory and accessory.get("type") == "button":
            found.append(accessory)
    return found


def block_text(blocks: list[dict[str, Any]]) -> str:
    """All the text in blocks, for assertions."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                out.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return "\n".join(out)
