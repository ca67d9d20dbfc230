"""Who a Slack user is: a linked identity, or a profile email the core can link once.

Linked ids are remembered for the life of the process; an unlinked user's email is looked up
with ``users.info`` at most once per ``EMAIL_TTL``, so a stranger typing commands costs one API
call, not one per command.
"""

from __future__ import annotations

import asyncio
import logging
import time

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from socbot.identify import Who
from socbot.store.models import Identity

log = logging.getLogger(__name__)
FACE = "slack"
EMAIL_TTL = 600.0  # seconds before an unmatched user's profile is looked up again
MAX_CACHED = 10_000


class SlackPeople:
    def __init__(self, engine: Engine, client: AsyncWebClient):
        self.engine = engine
        self.client = client
        self._linked: set[str] = set()
        self._emails: dict[str, tuple[float, str | None]] = {}

    def _is_linked(self, user_id: str) -> bool:
        with Session(self.engine) as session:
            query = select(Identity.id).where(
                Identity.platform == FACE, Identity.external_id == user_id
            )
            return session.exec(query).first() is not None

    async def who(self, user_id: str) -> Who:
        """The Slack user; an unlinked one carries their profile email so the core can link it."""
        if user_id in self._linked or await asyncio.to_thread(self._is_linked, user_id):
            if len(self._linked) > MAX_CACHED:
                self._linked.clear()
            self._linked.add(user_id)
            return Who(FACE, user_id)
        return Who(FACE, user_id, email=await self._email(user_id))

    async def _email(self, user_id: str) -> str | None:
        cached = self._emails.get(user_id)
        if cached and time.monotonic() - cached[0] < EMAIL_TTL:
            return cached[1]
        email = None
        try:
            user = (await self.client.users_info(user=user_id)).get("user") or {}
            if not user.get("is_bot") and not user.get("deleted"):
                email = (user.get("profile") or {}).get("email")
        except (SlackApiError, SlackClientError) as exc:
            log.warning("users.info for %s failed: %s", user_id, type(exc).__name__)
        if len(self._emails) > MAX_CACHED:
            self._emails.clear()
        self._emails[user_id] = (time.monotonic(), email)
        return email
