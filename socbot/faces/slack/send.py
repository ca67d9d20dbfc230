"""Sending replies to Slack after the ack: response_urls, DMs, modals and chart files."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import ClientSession
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from socbot.faces.slack import blockkit, views
from socbot.model import Reply

log = logging.getLogger(__name__)


def payload(reply: Reply, page: list[blockkit.Block], **extra: Any) -> dict[str, Any]:
    """One page of a reply as a message body (an ack, a response_url post)."""
    return {
        "text": blockkit.fallback(reply),
        "blocks": page,
        "response_type": "ephemeral" if reply.ephemeral else "in_channel",
        **extra,
    }


class SlackSender:
    """Posts through one HTTP session; a response_url that fails falls back to a DM."""

    def __init__(self, client: AsyncWebClient):
        self.client = client
        self.session: ClientSession | None = None

    async def respond(self, url: str, body: dict[str, Any]) -> bool:
        try:
            result = await AsyncWebhookClient(url, session=self.session).send_dict(body)
        except (SlackClientError, OSError) as exc:
            log.warning("response_url failed: %s", type(exc).__name__)
            return False
        if result.status_code != 200:
            log.warning("response_url answered %s", result.status_code)
        return result.status_code == 200

    async def dm(self, user: str, reply: Reply, page: list[blockkit.Block]) -> str:
        """Post to the person's DM with socbot; returns the DM's channel id."""
        posted = await self.client.chat_postMessage(
            channel=user, text=blockkit.fallback(reply), blocks=page, unfurl_links=False
        )
        return str(posted.get("channel") or user)

    async def send(
        self,
        reply: Reply,
        *,
        user: str,
        response_url: str | None,
        replace: bool = False,
        first: int = 0,
        channel: str | None = None,
    ) -> None:
        """Pages from ``first`` on via the response_url (a DM when it fails), then any charts."""
        pages = blockkit.message(reply)
        for n, page in enumerate(pages[first:], first):
            body = payload(reply, page, replace_original=replace and n == 0)
            if not (response_url and await self.respond(response_url, body)):
                channel = await self.dm(user, reply, page)
        await self.upload(reply, user=user, channel=channel)

    async def mark(self, url: str, origin: dict[str, Any], reply: Reply) -> bool:
        """Replace the pressed buttons of the message acted on by a line saying what happened."""
        note = blockkit.summary(reply)
        blocks = blockkit.mark(origin["blocks"], origin["b"], origin["a"], note)
        text = origin.get("text") or blockkit.fallback(reply)
        return await self.respond(url, {"replace_original": True, "text": text, "blocks": blocks})

    async def upload(self, reply: Reply, *, user: str, channel: str | None) -> None:
        """Charts as files: to the channel when the reply is shared there, else to the DM."""
        for path in reply.images:
            if reply.ephemeral or not channel:
                note = Reply(text=f"Chart for you: {reply.title or path.stem}")
                channel = await self.dm(user, note, blockkit.message(note)[0])
            await self.client.files_upload_v2(channel=channel, file=str(path), title=path.stem)

    async def open_form(self, reply: Reply, trigger_id: str, meta: dict[str, Any]) -> None:
        """Open the reply's form as a modal; ``meta`` comes back with its submission."""
        assert reply.form is not None
        view = views.modal(reply.form, {k: v for k, v in meta.items() if v})
        await self.client.views_open(trigger_id=trigger_id, view=view)
