"""The Slack face: ``/ocg``, buttons, modals, the App Home and DMs, through slack-bolt.

Reads are answered inside the ack itself (one round trip); writes ack at once and answer through
the response_url. An event Slack re-sends is dropped by its id, on whichever replica it reaches.
``app`` serves it over HTTP (``door`` checks each request before bolt sees it) or Socket Mode;
``home`` renders the App Home.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import ClientSession, web
from pydantic import SecretStr
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from socbot.bot import Bot
from socbot.channels import Audience, AudienceSource
from socbot.faces.slack import FACE, blockkit, unfurl, views
from socbot.faces.slack.door import FrontDoor
from socbot.faces.slack.home import SlackHome
from socbot.faces.slack.origins import Origins
from socbot.faces.slack.outbox import SlackDelivery
from socbot.faces.slack.people import SlackPeople
from socbot.faces.slack.send import SlackSender, payload
from socbot.guards import first_time
from socbot.identify import Who
from socbot.model import Reply

log = logging.getLogger(__name__)
DEFAULT_API = "https://slack.com/api/"
ASK_TIMEOUT = 5.0  # seconds to learn a channel's members before sharing (else not shared)
ACK_BUDGET = 2.0  # seconds a read may take inside the ack (Slack waits 3 s in all)


def secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value else None


def api_base(url: str | None) -> str:
    """The Web API base URL; slack_sdk joins method names to it, so it must end in a slash."""
    url = url or DEFAULT_API
    return url if url.endswith("/") else url + "/"


class SlackFace:
    """One bolt app bound to one bot; also the outbox's route to Slack."""

    def __init__(self, bot: Bot, *, api_url: str | None = None, socket: bool = False):
        settings = bot.settings
        signing_secret = secret(settings.slack_signing_secret)
        if not socket and not signing_secret:
            raise ValueError("SLACK_SIGNING_SECRET is required to serve Slack over HTTP")
        self.bot = bot
        self.api_url = api_base(api_url or settings.slack_api_url)
        token = secret(settings.slack_bot_token)
        self.client = AsyncWebClient(token=token, base_url=self.api_url, timeout=10)
        # Interactive calls (modals, the Home, DMs) wait out one 429 in their own task.
        self.client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
        self.app = AsyncApp(
            client=self.client,
            signing_secret=signing_secret,
            request_verification_enabled=False,  # the front door checks first (slack_door)
            process_before_response=True,  # our listeners ack fast and spawn the slow part
            logger=logging.getLogger("socbot.slack.bolt"),
        )
        self.door = FrontDoor(signing_secret, bot.shared) if signing_secret else None
        self.delivery = SlackDelivery(token, self.api_url)
        if not bot.pm.has_plugin("slack-face"):
            bot.pm.register(self.delivery, name="slack-face")
        # Reads in a worker thread: as fast as inline for one request (measured, docs/slack.md),
        # faster under concurrent load, and a database lock never stalls the event loop.
        self.threaded_reads = True
        self.ack_budget = ACK_BUDGET
        self.people = SlackPeople(bot.engine, self.client)
        self.sender = SlackSender(self.client)
        self.home = SlackHome(bot, self.people, self.client)
        self._tasks: set[asyncio.Task[None]] = set()
        self.origins = Origins(bot.shared)
        app = self.app
        app.middleware(self._dedupe)
        app.command(re.compile(r"^/"))(self._bolt_command)
        app.action(re.compile("^" + re.escape(blockkit.HOME_ACTION_ID)))(self.on_home_page)
        app.action(re.compile("^" + re.escape(blockkit.ACTION_ID)))(self.on_action)
        app.view(blockkit.CALLBACK_ID)(self.on_submit)
        app.event("app_home_opened")(self.on_home_opened)
        app.event("link_shared")(self.on_link_shared)

    # -- plumbing -----------------------------------------------------------------------------

    async def start(self, _app: web.Application | None = None) -> None:
        """One HTTP session for the Web API and response_urls (created inside the loop)."""
        self.sender.session = self.client.session = ClientSession()

    async def close(self, _app: web.Application | None = None) -> None:
        """Let answers already under way finish, then close the session."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=10)
        if self.sender.session is not None:
            await self.sender.session.close()

    def spawn(self, work: Awaitable[None]) -> None:
        """Run work after the ack; failures are logged with an incident id, never lost."""

        async def guarded() -> None:
            try:
                await work
            except Exception:
                log.exception("incident %s: Slack follow-up failed", secrets.token_hex(4))

        task = asyncio.ensure_future(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def audience(self, channel: str | None) -> AudienceSource | None:
        """Asks Slack who is in ``channel`` now; the core calls it (from a worker thread) only
        when a reply is about to be shared there. None from it: Slack would not say."""
        if not channel:
            return None
        loop = asyncio.get_running_loop()

        def ask() -> Audience | None:
            heard = asyncio.run_coroutine_threadsafe(unfurl.audience(self.client, channel), loop)
            try:
                return heard.result(timeout=ASK_TIMEOUT)
            except Exception:  # a timeout or a loop closing: nothing is shared
                log.warning("membership of %s unknown: not shared", channel)
                return None

        return ask

    async def read(self, fn: Callable[..., Reply], /, *args: Any, **kwargs: Any) -> Reply:
        """A read inside the ack, in a worker thread (or inline, to measure the difference)."""
        if self.threaded_reads:
            return await asyncio.to_thread(fn, *args, **kwargs)
        return fn(*args, **kwargs)

    async def _dedupe(
        self, body: dict[str, Any], next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        """Slack re-sends an event it thinks failed (X-Slack-Retry-Num), perhaps to another
        replica: act on each id once, and answer 200 to the rest so Slack stops retrying."""
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not await asyncio.to_thread(
            first_time, self.bot.shared, f"slack-event:{str(event_id)[:100]}"
        ):
            return BoltResponse(status=200, body="")
        return await next()

    async def outcome(
        self, reply: Reply, *, user: str, origin: dict[str, Any], changed: bool
    ) -> None:
        """Show what a button or form did where the person acted.

        A change marks the message in place (its buttons become a one-line note) when Slack sent
        us the message, or replaces a message with a single set of buttons; anything else (a read,
        an error) arrives as a new message, so the original is never lost.
        """
        if origin.get("h"):
            await self.home.publish(user, notice=reply)
            return
        url, channel = origin.get("u"), origin.get("c")
        if changed and not reply.error and url:
            if origin.get("blocks") and await self.sender.mark(url, origin, reply):
                await self.sender.upload(reply, user=user, channel=channel)
                return
            if origin.get("r") and not origin.get("blocks"):
                await self.sender.send(
                    reply, user=user, response_url=url, replace=True, channel=channel
                )
                return
        await self.sender.send(reply, user=user, response_url=url, channel=channel)

    # -- listeners ----------------------------------------------------------------------------

    async def _bolt_command(self, ack: Any, body: dict[str, Any]) -> None:
        """A slash command through bolt: its authorization (``auth.test`` of the bot token, done
        once and cached) has passed, so the door may send the next ones straight to ``slash``."""
        if self.door is not None:
            self.door.direct = True
        await self.on_command(ack, body)

    async def slash(self, body: dict[str, Any]) -> BoltResponse:
        """A slash command past bolt's dispatch, answered as bolt's listener runner would: the
        ack, an empty 200 without one, a 500 when the listener fails."""
        ack = AsyncAck()
        try:
            await self.on_command(ack, body)
        except Exception:
            log.exception("incident %s: slash command failed", secrets.token_hex(4))
            return BoltResponse(status=500, body="")
        return ack.response or BoltResponse(status=200, body="")

    async def on_command(self, ack: Any, body: dict[str, Any]) -> None:
        user, channel, text = body["user_id"], body.get("channel_id"), body.get("text") or ""
        url, trigger = body.get("response_url"), body.get("trigger_id")
        meta = {"u": url, "c": channel}
        try:
            who = await self.people.who(user)
            heard = self.audience(channel)
            if self.bot.writes(text):
                await ack()
                work = asyncio.to_thread(
                    self.bot.handle, text, who, face=FACE, channel=channel, audience=heard
                )
                self.spawn(self._answer_later(work, who, meta, trigger))
                return
            reading = asyncio.ensure_future(
                self.read(self.bot.handle, text, who, face=FACE, channel=channel, audience=heard)
            )
            done, _ = await asyncio.wait({reading}, timeout=self.ack_budget)
            if not done:  # Slack gives up after 3 s: ack now, answer when the read is done
                await ack()
                self.spawn(self._answer_later(reading, who, meta, trigger))
                return
            reply = reading.result()
        except Exception:
            incident = secrets.token_hex(4)
            log.exception("incident %s: slash command failed", incident)
            sorry = Reply.fail(f"Sorry, something went wrong on our side (incident {incident}).")
            await ack(**payload(sorry, blockkit.message(sorry)[0]))
            return
        if reply.form is not None and trigger:
            await ack()
            self.spawn(self.sender.open_form(reply, trigger, meta))
            return
        pages = blockkit.message(reply)
        await ack(**payload(reply, pages[0]))
        if len(pages) > 1 or reply.images:
            self.spawn(
                self.sender.send(reply, user=user, response_url=url, first=1, channel=channel)
            )

    async def _answer_later(
        self, work: Awaitable[Reply], who: Who, meta: dict[str, Any], trigger: str | None
    ) -> None:
        reply = await work
        if reply.form is not None and trigger:
            await self.sender.open_form(reply, trigger, meta)
            return
        await self.sender.send(reply, user=who.id, response_url=meta["u"], channel=meta["c"])

    async def on_action(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        self.spawn(self._press(body))

    async def _press(self, body: dict[str, Any]) -> None:
        pressed = body["actions"][0]
        try:
            action, args, replace = blockkit.decode(pressed.get("value") or "")
        except (ValueError, KeyError, IndexError):
            log.warning("ignored a button socbot did not make")
            return
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id")
        message = body.get("message") or {}
        origin = {
            "u": body.get("response_url"),
            "r": int(replace),
            "h": int((body.get("view") or {}).get("type") == "home"),
            "c": channel,
            "blocks": message.get("blocks"),
            "text": message.get("text"),
            "b": pressed.get("block_id"),
            "a": pressed.get("action_id"),
        }
        who = await self.people.who(user)
        reply = await asyncio.to_thread(
            self.bot.press,
            who,
            action,
            args,
            face=FACE,
            channel=channel,
            audience=self.audience(channel),
        )
        if reply.form is not None:
            meta = {k: origin[k] for k in ("u", "r", "h", "c")}
            meta["o"] = await asyncio.to_thread(self.origins.keep, origin)
            await self.sender.open_form(reply, body["trigger_id"], meta)
            return
        spec = self.bot.spec(action)
        await self.outcome(reply, user=user, origin=origin, changed=bool(spec and spec.writes))

    async def on_submit(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            meta = views.metadata(view)
        except ValueError:
            await ack()
            return
        user = body["user"]["id"]
        who = await self.people.who(user)
        values = {**meta.get("p", {}), **views.values(view.get("state") or {})}
        try:
            reply = await asyncio.to_thread(
                self.bot.submit, who, meta["f"], values, face=FACE, channel=meta.get("c")
            )
        except Exception:
            incident = secrets.token_hex(4)
            log.exception("incident %s: form %s failed", incident, meta["f"])
            reply = Reply.fail(f"Sorry, something went wrong on our side (incident {incident}).")
        if reply.form is not None:
            errors = views.field_errors(reply.form)
            if errors:
                await ack(response_action="errors", errors=errors)
                return
            extra = {k: v for k, v in meta.items() if k not in ("f", "p")}
            await ack(response_action="update", view=views.modal(reply.form, extra))
            return
        await ack(response_action="update", view=views.result_view(reply))
        if not reply.error:
            origin = await asyncio.to_thread(self.origins.of, meta)
            self.spawn(self.outcome(reply, user=user, origin=origin, changed=True))

    async def on_home_opened(self, ack: Any, event: dict[str, Any]) -> None:
        await ack()
        if event.get("tab") == "home" and event.get("user"):
            self.spawn(self.home.publish(event["user"]))

    async def on_link_shared(self, ack: Any, event: dict[str, Any]) -> None:
        """A link to an OCG pasted in a channel: unfurled for the channel's audience."""
        await ack()
        self.spawn(unfurl.unfurl(self.bot, self.client, self.people, event))

    async def on_home_page(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        try:
            data = json.loads(body["actions"][0]["value"])
            pages = {str(k): int(v) for k, v in (data.get("pages") or {}).items()}
            pages[str(data["part"])] = int(data["page"])
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            return
        self.spawn(self.home.publish(body["user"]["id"], pages=pages))

    async def run_socket(self) -> None:
        """Socket Mode: Slack's events arrive over an outbound websocket."""
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        await self.start()
        handler = AsyncSocketModeHandler(self.app, secret(self.bot.settings.slack_app_token))
        try:
            await handler.start_async()
        finally:
            await handler.close_async()
            await self.close()
