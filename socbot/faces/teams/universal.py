"""Universal Actions: ``adaptiveCard/action`` invokes, answered with the card for whoever asked.

Teams sends an invoke, not a message, when someone presses an ``Action.Execute`` button or opens
a card whose ``refresh`` names them. The answer is the card as that person may see it: the
command runs again as them, through the same checks and the core's one withholding path
(``socbot.withhold``) as typed text, so a partner opening an officer's OCG card in a shared chat
sees the partner view and someone not enrolled sees a polite refusal. A card's data names only a
read command and an OCG reference, never what the poster saw; a refresh never runs a write.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from microsoft_agents.activity import Activity, AdaptiveCardInvokeResponse
from microsoft_agents.hosting.core import ConnectorClientBase, TurnContext, TurnState

from socbot.faces.teams import adaptive, once
from socbot.faces.teams import refs as teams_refs
from socbot.faces.teams.outbound import to_activity
from socbot.identify import Who
from socbot.model import CommandError, Reply
from socbot.parser import parse

if TYPE_CHECKING:
    from socbot.bot import Bot

log = logging.getLogger(__name__)
FACE = "teams"
LIVE = ("status", "actions")  # the OCG card and the action card: reads, one OCG each
OCG_REF = re.compile(r"\bOCG-\d{4,6}\b")
UNREADABLE = "I couldn't read that button. Please try again."
STALE = "I couldn't refresh that card. Ask me again, e.g. `status OCG-0001`."
_PERSONAL = (None, "personal")


class Face(Protocol):
    """What the invokes need of the Teams face (which imports this module)."""

    bot: Bot

    async def _who(self, context: TurnContext) -> Who: ...

    async def _replace(
        self, context: TurnContext, card: tuple[str, str], message: Activity
    ) -> None: ...


def live_of(bot: Bot, verb: str, reply: Reply) -> adaptive.Live | None:
    """The refresh a reply deserves: the OCG card or action card of one OCG, read-only, no error.
    The reference comes from the reply's title, so the card never carries the words typed."""
    spec = bot.spec(verb)
    if spec is None or spec.name not in LIVE or spec.writes or reply.error:
        return None
    found = OCG_REF.search(reply.title or "")
    return adaptive.Live(spec.name, found.group(0)) if found else None


def for_asker(bot: Bot, verb: str, activity: Activity) -> Callable[[Reply], adaptive.Live | None]:
    """A reply answered to the asker alone: live for them only."""
    me = activity.from_property.id if activity.from_property else None

    def live(reply: Reply) -> adaptive.Live | None:
        found = live_of(bot, verb, reply)
        return replace(found, user_ids=(me,) if me else None) if found else None

    return live


async def for_conversation(
    context: TurnContext, bot: Bot, verb: str, reply: Reply
) -> Activity | None:
    """A reply posted in a group chat or channel, live for its members (None: not live)."""
    found = live_of(bot, verb, reply)
    if found is None or context.activity.conversation.conversation_type in _PERSONAL:
        return None
    return to_activity(reply, live=replace(found, user_ids=await viewers(context)))


def verb_of(text: str) -> str:
    try:
        return parse(text).verb
    except CommandError:
        return ""


async def viewers(context: TurnContext) -> tuple[str, ...] | None:
    """The Teams user ids a card here is refreshed for: the asker in a personal chat, else the
    conversation's members from the connector (None when it won't say: a button instead)."""
    activity = context.activity
    me = activity.from_property.id if activity.from_property else None
    if activity.conversation.conversation_type in _PERSONAL:
        return (me,) if me else None
    client = context.services.get(ConnectorClientBase)  # type: ignore[type-abstract]
    if client is None:
        return None
    try:
        members = await client.conversations.get_conversation_members(activity.conversation.id)
    except Exception as exc:  # Teams unavailable: each viewer can still ask for their view
        log.warning("Teams members look-up failed: %s", type(exc).__name__)
        return None
    return tuple(m.id for m in members if m.id) or None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class Invokes:
    """Answers ``Action.Execute``: a refresh, a button or a form, each as the invoking user."""

    def __init__(self, face: Face) -> None:
        self.face = face

    async def on_execute(
        self, context: TurnContext, _state: TurnState, _data: Any
    ) -> AdaptiveCardInvokeResponse:
        activity = context.activity
        action = _dict(_dict(activity.value).get("action"))
        verb = action.get("verb")
        data = _dict(action.get("data"))
        who = await self.face._who(context)
        live: adaptive.Live | None = None
        if verb == adaptive.REFRESH:
            reply, live = await self._refresh(context, who, data)
        elif isinstance(verb, str) and verb.startswith(adaptive.SUBMIT_PREFIX):
            reply = await self._submit(context, who, verb, data)
        elif isinstance(verb, str) and verb.strip():
            reply = await self._press(context, who, verb, data)
        else:
            reply = Reply.fail(UNREADABLE)
        card = adaptive.card(reply, live=live)
        return AdaptiveCardInvokeResponse(status_code=200, type=adaptive.CONTENT_TYPE, value=card)

    async def _refresh(
        self, context: TurnContext, who: Who, data: dict[str, Any]
    ) -> tuple[Reply, adaptive.Live | None]:
        """Re-run the card's command as this viewer: only a live read of one OCG reference."""
        bot = self.face.bot
        name, payload = data.get("verb"), data.get("payload")
        args = payload.get("args") if isinstance(payload, dict) else None
        spec = bot.spec(name) if isinstance(name, str) else None
        if (
            spec is None
            or spec.name not in LIVE
            or spec.writes
            or not isinstance(args, str)
            or not OCG_REF.fullmatch(args)
        ):
            return Reply.fail(STALE), None
        channel = teams_refs.channel_of(context.activity)
        reply = await asyncio.to_thread(
            bot.press, who, spec.name, {"args": args}, face=FACE, channel=channel
        )
        if reply.error:
            return reply, None
        return reply, adaptive.Live(spec.name, args, await viewers(context))

    async def _press(
        self, context: TurnContext, who: Who, verb: str, data: dict[str, Any]
    ) -> Reply:
        """A button: the result for the presser; a single reminder's card is replaced for all."""
        bot = self.face.bot
        raw = data.get("payload")
        payload = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
        channel = teams_refs.channel_of(context.activity)
        reply = await asyncio.to_thread(bot.press, who, verb, payload, face=FACE, channel=channel)
        spec = bot.spec(verb)
        card = self._card(context)
        single = data.get("single") is True and reply.form is None and not reply.error
        if card and single and spec and spec.writes:  # "Snooze a week" can't go twice, by anyone
            await self.face._replace(context, card, to_activity(reply))
        return reply

    async def _submit(
        self, context: TurnContext, who: Who, verb: str, data: dict[str, Any]
    ) -> Reply:
        """A form sent once: a second press (anyone's) is refused; when done, all see the result."""
        face = self.face
        card = self._card(context)
        raw = data.get("payload")
        values = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
        values |= {
            k.removeprefix(adaptive.INPUT_PREFIX): "" if v is None else str(v)
            for k, v in data.items()
            if k.startswith(adaptive.INPUT_PREFIX)
        }
        name = verb.removeprefix(adaptive.SUBMIT_PREFIX)
        channel = teams_refs.channel_of(context.activity)
        refused = await once.claim(face.bot.shared, card)
        if refused:
            return Reply.fail(refused)
        try:
            reply = await asyncio.to_thread(
                face.bot.submit, who, name, values, face=FACE, channel=channel
            )
        except BaseException:
            await once.settle(face.bot.shared, card, sent=False)
            raise
        sent = card is not None and not reply.error and reply.form is None
        await once.settle(face.bot.shared, card, sent=sent)
        if card and sent:
            sender = context.activity.from_property.name if context.activity.from_property else ""
            stamp = face.bot.clock.now().strftime("%H:%M on %d/%m/%Y")
            footer = f"Submitted by {sender or 'someone'} at {stamp}."
            await face._replace(context, card, to_activity(reply, footer=footer))
        return reply

    @staticmethod
    def _card(context: TurnContext) -> tuple[str, str] | None:
        activity = context.activity
        return (activity.conversation.id, activity.reply_to_id) if activity.reply_to_id else None
