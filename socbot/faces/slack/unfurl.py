"""Slack link unfurling: a link to an OCG pasted in a channel becomes the card its audience may see.

Slack sends ``link_shared`` for links on the app's unfurl domains (``app_unfurl_domains`` in the
manifest); socbot reads the channel's membership signals at that moment (``conversations.info``:
Slack Connect; ``conversations.members``: who is in it), lets the core choose the view for the
least-privileged member (``socbot.references``) and answers with ``chat.unfurl``. Bare text such
as ``OCG-0001`` is not a link, so Slack never sends it: people paste the intranet link, or a link
on an unfurl domain that names the reference.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from socbot import references
from socbot.bot import Bot
from socbot.channels import Audience, Member
from socbot.faces.slack import FACE, blockkit
from socbot.faces.slack.people import SlackPeople

log = logging.getLogger(__name__)
MAX_MEMBERS_PAGES = 10  # 10 x 1000 members: beyond that, nothing is unfurled


async def audience(client: AsyncWebClient, channel: str) -> Audience | None:
    """Who the channel reaches now, as Slack says; None when Slack won't say (nothing shown)."""
    try:
        info = (await client.conversations_info(channel=channel)).get("channel") or {}
        members: list[str] = []
        cursor = None
        for _ in range(MAX_MEMBERS_PAGES):
            page = await client.conversations_members(channel=channel, limit=1000, cursor=cursor)
            members += page.get("members") or []
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        else:
            return None
    except (SlackApiError, SlackClientError) as exc:
        log.warning("unfurl: membership of %s unknown: %s", channel, type(exc).__name__)
        return None
    shared = None
    if info.get("is_ext_shared") or info.get("is_pending_ext_shared"):
        shared = "a Slack Connect channel (people from other organisations)"
    return Audience(channel, tuple(Member(m) for m in members), shared=shared)


async def unfurl(
    bot: Bot, client: AsyncWebClient, people: SlackPeople, event: dict[str, Any]
) -> None:
    """Answer one ``link_shared`` event with ``chat.unfurl``, or not at all."""
    channel, user = event.get("channel"), event.get("user")
    links = [link.get("url") for link in event.get("links") or [] if isinstance(link, dict)]
    pattern = references.url_pattern(bot.settings.unfurl_url_pattern)
    refs = {url: ref for url in links if url and (ref := references.ref_of(url, pattern))}
    if not channel or not user or not refs:
        return
    heard = await audience(client, channel)
    if heard is None:
        return
    poster = await people.who(user)
    unfurls: dict[str, Any] = {}
    for url, ref in list(refs.items())[: references.MAX_REFS]:
        reply = await asyncio.to_thread(
            references.for_channel,
            bot,
            face=FACE,
            channel=channel,
            poster=poster,
            ref=ref,
            audience=heard,
        )
        if reply is not None:
            unfurls[url] = {"blocks": blockkit.message(reply)[0]}
    if not unfurls:
        return
    where: dict[str, Any] = {"channel": channel, "ts": event.get("message_ts")}
    if event.get("source") == "composer" and event.get("unfurl_id"):  # no message yet
        where = {"unfurl_id": event["unfurl_id"], "source": event.get("source", "composer")}
    await client.chat_unfurl(unfurls=unfurls, **where)
