"""The Slack App Home: the person's actions and OCGs, rendered from the same commands they could
type, or a welcome when socbot does not know them yet."""

from __future__ import annotations

import asyncio

from slack_sdk.web.async_client import AsyncWebClient

from socbot.bot import Bot
from socbot.faces.slack import FACE, views
from socbot.faces.slack.people import SlackPeople
from socbot.identify import UNKNOWN_USER, Who
from socbot.model import Reply


class SlackHome:
    def __init__(self, bot: Bot, people: SlackPeople, client: AsyncWebClient):
        self.bot, self.people, self.client = bot, people, client

    def parts(self, who: Who) -> list[tuple[str, str, Reply]]:
        actions = self.bot.handle("actions mine", who, face=FACE)
        if actions.error and actions.text == UNKNOWN_USER:
            return [("welcome", "socbot", actions)]
        reviews = self.bot.handle("reviews mine", who, face=FACE)
        return [("actions", "My actions", actions), ("ocgs", "My OCGs", reviews)]

    async def publish(
        self, user: str, *, notice: Reply | None = None, pages: dict[str, int] | None = None
    ) -> None:
        """The App Home, rendered from the same commands a person could type."""
        who = await self.people.who(user)
        parts = await asyncio.to_thread(self.parts, who)
        await self.client.views_publish(user_id=user, view=views.home(parts, pages, notice))
