"""What the Teams face sends: a reply as a message, and proactive delivery of the outbox.

The outbox calls ``deliver_message`` from the scheduler's thread; the SDK is asyncio, so the send
runs on the server's loop (``run_coroutine_threadsafe``) and the thread waits for the connector's
answer. Someone Teams cannot reach yet is told through their agency's coordinator, and the outbox
row records why.
"""

from __future__ import annotations

import asyncio
import base64
import mimetypes
from dataclasses import replace
from pathlib import Path
from typing import Any

from aiohttp import ClientResponseError
from microsoft_agents.activity import Activity, ActivityTypes, Attachment
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.app.proactive import Conversation
from sqlalchemy import Engine

from socbot.clock import Clock
from socbot.faces.teams import adaptive
from socbot.faces.teams import refs as teams_refs
from socbot.hookspecs import hookimpl
from socbot.model import Reply
from socbot.outbox import Delivery, Outgoing

FACE = "teams"
SEND_TIMEOUT = 30.0
MAX_IMAGE_BYTES = 1_000_000  # Teams caps a message at a few MB; a chart is ~50 KB
MAX_FILE_BYTES = 3_000_000  # inline, under the Bot Framework's message cap


class SparseActivity(Activity):
    """An activity that leaves unset fields out. The SDK sets some to None on the way (``id``
    before a send; ``locale`` or ``recipient`` from a reference without them) and serialises
    them as ``null``, which its own model refuses on the way back in; this is every message the
    bot sends, replies, card updates and proactive sends alike."""

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        return super().model_dump(**{**kwargs, "exclude_none": True})


def to_activity(
    reply: Reply, *, footer: str | None = None, live: adaptive.Live | None = None
) -> Activity:
    """A reply as a Teams message: one Adaptive Card (``live``: refreshed for each viewer),
    charts attached as inline PNGs."""
    images, notes = [], [footer] if footer else []
    for path in reply.images:
        try:
            data = path.read_bytes()
        except OSError:
            notes.append("The chart could not be attached; please ask again.")
            continue
        if len(data) > MAX_IMAGE_BYTES:
            notes.append(f"The chart is too large for Teams ({len(data) // 1024} KB).")
            continue
        url = "data:image/png;base64," + base64.b64encode(data).decode()
        images.append(Attachment(content_type="image/png", content_url=url, name=path.name))
    for path in reply.files:
        attached = _file(path)
        if attached is None:
            notes.append(f"{path.name} could not be attached: too large for a Teams message.")
        else:
            images.append(attached)
    card = adaptive.card(reply, footer=" ".join(notes) or None, live=live)
    return SparseActivity(
        type=ActivityTypes.message,
        summary=adaptive.summary(reply),
        attachments=[Attachment(content_type=adaptive.CONTENT_TYPE, content=card), *images],
    )


def _file(path: Path) -> Attachment | None:
    """A document (a scheduled pack's PDF) inline as base64, which the Bot Framework accepts
    up to its message size; in production a file above that goes to SharePoint or OneDrive
    and is sent as a file card (docs/papers.md)."""
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        return None
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    url = f"data:{mime};base64," + base64.b64encode(data).decode()
    return Attachment(content_type=mime, content_url=url, name=path.name)


class Sender:
    """Sends into stored conversations with the SDK's proactive API (continue_conversation)."""

    def __init__(self, adapter: CloudAdapter) -> None:
        self.adapter = adapter
        self.loop: asyncio.AbstractEventLoop | None = None  # set while the server runs

    async def send(self, reference: dict[str, Any], message: Activity) -> None:
        """A new message (not a reply to anything) into a stored conversation."""
        conversation = Conversation.from_json_to_store_item(reference)
        ref = conversation.conversation_reference
        failed: list[Exception] = []

        async def deliver(context: TurnContext) -> None:
            try:  # caught here: the adapter would otherwise post its turn error into the chat
                outgoing = message.model_copy(deep=True).apply_conversation_reference(ref)
                await context.adapter.send_activities(context, [outgoing])
            except Exception as exc:
                failed.append(exc)

        claims = Conversation.identity_from_claims(conversation.claims)
        await self.adapter.continue_conversation_with_claims(
            claims, ref.get_continuation_activity(), deliver
        )
        if failed:
            raise failed[0]

    def send_from_thread(self, reference: dict[str, Any], reply: Reply) -> Delivery | None:
        """Run ``send`` on the server's loop and wait; None when no server is running."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return None  # not serving: another process, or the next sweep, delivers it
        try:
            if asyncio.get_running_loop() is loop:
                return Delivery(False, FACE, "deliver_message was called on the server loop")
        except RuntimeError:
            pass  # the normal case: a scheduler thread has no loop of its own
        message = to_activity(reply)
        future = asyncio.run_coroutine_threadsafe(self.send(reference, message), loop)
        try:
            future.result(timeout=SEND_TIMEOUT)
        except ClientResponseError as exc:
            wait = exc.headers.get("Retry-After") if exc.headers else None
            retry = float(wait) if wait and wait.isdigit() else None
            return Delivery(False, FACE, f"Teams answered HTTP {exc.status}", retry_after=retry)
        except Exception as exc:
            future.cancel()
            return Delivery(False, FACE, f"{type(exc).__name__}: {exc}"[:300])
        return Delivery(True, FACE)


class TeamsDelivery:
    """The ``deliver_message`` plugin: a person's personal chat, or a channel (``19:...`` ids)."""

    def __init__(self, sender: Sender, engine: Engine, channels: dict[str, dict[str, Any]]):
        self.sender = sender
        self.engine = engine
        self.channels = channels  # channel id -> reference, for channels seen while serving

    @hookimpl
    def deliver_message(self, message: Outgoing) -> Delivery | None:
        if message.person is not None:
            ident = message.identities.get(FACE)
            if ident is None or not ident.conversation:
                return None
            return self.sender.send_from_thread(ident.conversation, message.reply)
        if message.channel and message.channel.startswith("19:"):
            reference = self.channels.get(message.channel) or teams_refs.for_channel(
                self.engine, message.channel
            )
            return self.sender.send_from_thread(reference, message.reply) if reference else None
        return None


class CoordinatorFallback:
    """Last resort: someone Teams cannot reach yet gets their message via their coordinator.

    ``trylast``, so a face that can reach the person directly always wins; and skipped when the
    person has an identity on another platform, which that platform's process delivers.
    """

    def __init__(self, sender: Sender, engine: Engine, clock: Clock):
        self.sender = sender
        self.engine = engine
        self.clock = clock

    @hookimpl(trylast=True)
    def deliver_message(self, message: Outgoing) -> Delivery | None:
        person = message.person
        if person is None or set(message.identities) - {FACE}:
            return None
        ident = message.identities.get(FACE)
        if ident is not None and ident.conversation:
            return None
        found = teams_refs.coordinator_for(self.engine, person, self.clock.utcnow())
        if found is None:
            return None
        coordinator, reference = found
        why = (
            f"For @{person.handle} ({person.name}): they haven't opened socbot in Teams yet, so "
            f"this comes to you as {person.agency} coordinator. Please pass it on, and ask them "
            "to say hello to socbot in Teams."
        )
        context = " ".join(filter(None, [why, message.reply.context]))
        delivery = self.sender.send_from_thread(reference, replace(message.reply, context=context))
        if delivery is not None and delivery.ok:
            delivery.note = (
                f"sent to coordinator @{coordinator.handle}: @{person.handle} has no Teams "
                "conversation with socbot yet"
            )
        return delivery
