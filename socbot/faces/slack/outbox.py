"""Outbox delivery through Slack: nudges, alerts and digests as DMs or channel posts.

Runs in the scheduler's worker thread, so it uses slack_sdk's synchronous client. A 429 is not
slept on here: the Retry-After goes back to the outbox, which keeps the row and tries again
after it, so one slow workspace never holds up other messages.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from socbot.faces.slack import blockkit
from socbot.hookspecs import hookimpl
from socbot.model import Reply
from socbot.outbox import Delivery, Outgoing

log = logging.getLogger(__name__)
FACE = "slack"
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")


def slack_channel(channel: str) -> str | None:
    """A Slack channel from an outbox row: ``slack:C0123``, ``C0123`` or ``#name``; else None."""
    if channel.startswith("slack:"):
        return channel[6:] or None
    if _CHANNEL_ID.match(channel) or re.match(r"^#[a-z0-9_-]{1,80}$", channel):
        return channel
    return None  # another platform's channel (a Teams conversation id, say)


def retry_after(exc: SlackApiError, default: float = 30.0) -> float:
    headers = {k.lower(): v for k, v in (exc.response.headers or {}).items()}
    value = headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(float(value), 0.0) if value is not None else default
    except ValueError:
        return default


class SlackDelivery:
    """The ``deliver_message`` hook for Slack, registered by the Slack face."""

    def __init__(self, token: str | None, api_url: str):
        self.client = WebClient(token=token, base_url=api_url, timeout=15)

    def target(self, message: Outgoing) -> str | None:
        if message.channel:
            return slack_channel(message.channel)
        identity = message.identities.get(FACE)
        return identity.external_id if identity else None

    @hookimpl
    def deliver_message(self, message: Outgoing) -> Delivery | None:
        target = self.target(message)
        if target is None:
            return None
        try:
            posted = self.post(target, message.reply)
            for path in [*message.reply.images, *message.reply.files]:
                self.upload(posted, path)
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                return Delivery(False, FACE, "rate limited by Slack", retry_after(exc))
            error = exc.response.get("error") or f"HTTP {exc.response.status_code}"
            log.warning("Slack refused outbox message %s: %s", message.id, error)
            return Delivery(False, FACE, str(error))
        except (SlackClientError, OSError) as exc:
            log.warning("Slack unreachable for outbox message %s: %s", message.id, exc)
            return Delivery(False, FACE, type(exc).__name__)
        return Delivery(True, FACE)

    def post(self, channel: str, reply: Reply) -> str:
        """Post every page; returns the channel id Slack used (a DM's ``D...`` for a user)."""
        pages = blockkit.message(reply)
        for page in pages:
            response = self.client.chat_postMessage(
                channel=channel,
                text=blockkit.fallback(reply),
                blocks=page,
                unfurl_links=False,
                unfurl_media=False,
            )
            channel = response.get("channel") or channel
        return channel

    def upload(self, channel: str, path: Path) -> None:
        self.client.files_upload_v2(channel=channel, file=str(path), title=path.stem)
