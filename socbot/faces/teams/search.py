"""The Teams message extension: search OCGs, their actions and tactics by name, insert a card.

Teams sends a ``composeExtension/query`` invoke as the person types in the compose box. Each search
runs as that person, through the same commands, checks and withholding as typed text (``list``,
``status``, ``actions``, ``tactics``), so a partner finds OCGs only by the names partners see and
gets partner cards. An OCG's cards are live (``refresh``), so everyone in the chat where one is
inserted sees their own view of it when they open it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse
from microsoft_agents.hosting.core import TurnContext, TurnState

from socbot.faces.teams import adaptive, universal
from socbot.identify import Who
from socbot.model import Reply

if TYPE_CHECKING:
    from socbot.bot import Bot

FACE = "teams"
INVOKE = "composeExtension/query"
COMMAND = "searchOcg"  # the command id in the manifest's composeExtensions
THUMBNAIL = "application/vnd.microsoft.card.thumbnail"
MAX_OCGS = 5  # each brings its status and actions cards: Teams lists up to 25 results
MAX_QUERY = 100
HINT = "Type an OCG's name or reference (OCG-0001), or a kind of tactic (vehicle, licence)."


def is_search(context: TurnContext) -> bool:
    activity = context.activity
    return activity.type == ActivityTypes.invoke and activity.name == INVOKE


def query_of(value: Any) -> str:
    """The text typed in the search box (Teams sends it as the ``query`` parameter)."""
    parameters = value.get("parameters") if isinstance(value, dict) else None
    for parameter in parameters if isinstance(parameters, list) else []:
        if isinstance(parameter, dict) and parameter.get("name") == "query":
            return str(parameter.get("value") or "").strip()[:MAX_QUERY]
    return ""


def find(bot: Bot, who: Who, query: str, channel: str | None) -> list[tuple[str, Reply]] | Reply:
    """Cards for what ``who`` may see matching ``query``, each with the command that made it; a
    Reply alone says why there are none."""
    listing = bot.handle("list", who, face=FACE, channel=channel)
    if listing.error:
        return listing  # not enrolled, or no OCG to see: the core's own words
    words = query.lower()
    refs = [
        found.group(0)
        for row in listing.items
        if words in row.text.lower() and (found := universal.OCG_REF.search(row.text))
    ]
    cards: list[tuple[str, Reply]] = []
    for ref in refs[:MAX_OCGS]:
        for verb in ("status", "actions"):
            reply = bot.handle(f"{verb} {ref}", who, face=FACE, channel=channel)
            if not reply.error and (reply.facts or reply.sections or reply.items):
                cards.append((verb, reply))
    tactics = bot.handle(f"tactics {query}", who, face=FACE, channel=channel)
    if not tactics.error and tactics.items:
        cards.append(("tactics", tactics))
    return cards or Reply(text=f"Nothing you can see matches {query!r}. {HINT}")


def result(card: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """One search result: the card to insert and its one-line preview in the list."""
    preview = {"title": adaptive.summary(reply), "text": adaptive.safe(reply.context or "")[:200]}
    return {
        "contentType": adaptive.CONTENT_TYPE,
        "content": card,
        "preview": {"contentType": THUMBNAIL, "content": preview},
    }


class Search:
    """Answers the message extension's searches as the person searching."""

    def __init__(self, face: universal.Face) -> None:
        self.face = face

    async def on_query(self, context: TurnContext, _state: TurnState) -> None:
        value = context.activity.value
        query = query_of(value)
        if not query or not isinstance(value, dict) or value.get("commandId") != COMMAND:
            body: dict[str, Any] = {"composeExtension": {"type": "message", "text": HINT}}
        else:
            body = await self._answer(context, query)
        response = InvokeResponse(status=200, body=body)
        await context.send_activity(Activity(type=ActivityTypes.invoke_response, value=response))

    async def _answer(self, context: TurnContext, query: str) -> dict[str, Any]:
        face = self.face
        who = await face._who(context)
        channel = None  # a search is private to the searcher: no channel's ceiling applies
        found = await asyncio.to_thread(find, face.bot, who, query, channel)
        if isinstance(found, Reply):
            text = adaptive.safe(found.text or HINT)
            return {"composeExtension": {"type": "message", "text": text}}
        viewers = await universal.viewers(context)
        attachments = []
        for verb, reply in found:
            live = universal.live_of(face.bot, verb, reply)  # an OCG's cards stay live
            if live is not None:
                live = adaptive.Live(live.verb, live.ref, viewers)
            attachments.append(result(adaptive.card(reply, live=live), reply))
        return {
            "composeExtension": {
                "type": "result",
                "attachmentLayout": "list",
                "attachments": attachments,
            }
        }
