"""The Teams face's turns: activities in, core calls in a worker thread, Adaptive Cards out.

Typed text, ``Action.Submit`` buttons and card forms go to ``Bot.handle`` / ``Bot.press`` /
``Bot.submit`` in a worker thread, so the event loop stays free for other turns and for proactive
sends from the scheduler's thread. In a channel, a private reply goes to the asker's personal
chat: Teams has no ephemeral messages, and OCG detail must not land in a shared channel.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentApplication,
    ApplicationOptions,
    ConnectionManager,
    ConnectorClientBase,
    MemoryStorage,
    OutboundHostValidator,
    RouteRank,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.core.app.typing_indicator import TypingOptions
from sqlmodel import Session

from socbot.bot import Bot
from socbot.faces.teams import adaptive, once, search, universal
from socbot.faces.teams import audience as teams_audience
from socbot.faces.teams import config as teams_config
from socbot.faces.teams import refs as teams_refs
from socbot.faces.teams.outbound import (
    CoordinatorFallback,
    Sender,
    TeamsDelivery,
    to_activity,
)
from socbot.identify import Who
from socbot.model import Reply

log = logging.getLogger(__name__)
FACE = "teams"
# Commands answer in milliseconds, so a typing bubble would only flash after the reply; charts
# and a slow database can take longer, and then people should see the bot is working.
TYPING_DELAY_MS = 1500
UNREADABLE = "I couldn't read that button. Please try again."
_PERSONAL = (None, "personal")
_USER_TOKEN_LOG = "microsoft_agents.hosting.core.connector.client.user_token_client"


class TeamsFace:
    """One bot with its SDK adapter and agent application: turns activities into core calls."""

    def __init__(
        self,
        bot: Bot,
        config: Mapping[str, Any],
        *,
        provider_factory: Callable[..., Any] | None = None,
        host_validator: OutboundHostValidator | None = None,
        typing_delay_ms: int | None = TYPING_DELAY_MS,
    ):
        if provider_factory is None:
            from microsoft_agents.authentication.msal import MsalAuth

            provider_factory = MsalAuth
        self.bot = bot
        self.client_id = teams_config.client_id(config)
        self.home = teams_config.home_tenant(config)  # the only directory trusted for emails
        self.tenants = teams_config.tenants(config, bot.settings.teams_tenants)
        if not self.client_id:  # anonymous: the SDK would warn about the missing app id each turn
            logging.getLogger(_USER_TOKEN_LOG).setLevel(logging.ERROR)
        self.connections = ConnectionManager(provider_factory=provider_factory, **config)
        if host_validator is None:  # a registered bot only ever answers Microsoft's hosts
            host_validator = OutboundHostValidator(enabled=bool(self.client_id))
        self.adapter = CloudAdapter(
            connection_manager=self.connections, host_validator=host_validator
        )
        self.adapter.on_turn_error = self._on_error  # the SDK's default posts the exception text
        options = ApplicationOptions(
            storage=MemoryStorage(),  # turn state only; conversation references live in our DB
            start_typing_timer=typing_delay_ms is not None,
            typing=TypingOptions(initial_delay_ms=typing_delay_ms or 0),
        )
        self.agent = AgentApplication[TurnState](options, connection_manager=self.connections)
        self.sender = Sender(self.adapter)
        self.channels: dict[str, dict[str, Any]] = {}  # channel id -> reference seen this run
        self._linked: set[str] = set()  # AAD ids known to have a socbot identity
        self._stored: dict[str, str] = {}  # AAD id -> personal conversation id already saved
        self.scheduler: Any = None  # APScheduler, when serving with jobs
        agent = self.agent
        agent.conversation_update("membersAdded")(self._on_installed)
        agent.installation_update()(self._on_installed)
        agent.adaptive_card.action_submit(re.compile(r"."))(self._on_submit)
        invokes = universal.Invokes(self)
        agent.adaptive_card.action_execute(re.compile(r"."))(invokes.on_execute)
        agent.add_route(search.is_search, search.Search(self).on_query, is_invoke=True)
        agent.activity(ActivityTypes.message, rank=RouteRank.LAST)(self._on_message)
        agent.error(self._on_error)

    def plugins(self) -> dict[str, object]:
        """The outbox delivery plugins to register while this face serves."""
        engine = self.bot.engine
        return {
            "teams-face": TeamsDelivery(self.sender, engine, self.channels),
            "teams-coordinator-fallback": CoordinatorFallback(self.sender, engine, self.bot.clock),
        }

    # -- turns --------------------------------------------------------------------------------

    async def _on_message(self, context: TurnContext, _state: TurnState) -> None:
        activity = context.activity
        if activity.value is not None and not activity.text:  # a card button without a verb
            await self._say(context, Reply.fail(UNREADABLE))
            return
        text = await self._command_text(context)
        who = await self._who(context)
        channel = teams_refs.channel_of(activity)
        heard = teams_audience.source(context)
        verb = universal.verb_of(text)
        reply, message = await self._run(
            lambda: self.bot.handle(text, who, face=FACE, channel=channel, audience=heard),
            universal.for_asker(self.bot, verb, activity),
        )
        if not reply.ephemeral:  # posted for the conversation: each member sees their own view
            message = await universal.for_conversation(context, self.bot, verb, reply) or message
        await self._remember(context, who)
        await self._answer(context, who, reply, message)

    async def _on_submit(self, context: TurnContext, _state: TurnState, value: Any) -> None:
        """A card button or form. A form card, once submitted, is replaced so it can't go twice."""
        activity = context.activity
        verb = value.get("verb") if isinstance(value, dict) else None
        raw = value.get("payload") if isinstance(value, dict) else None
        payload = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
        if not isinstance(verb, str) or not verb.strip():
            await self._say(context, Reply.fail(UNREADABLE))
            return
        who = await self._who(context)
        channel = teams_refs.channel_of(activity)
        card = (activity.conversation.id, activity.reply_to_id) if activity.reply_to_id else None
        heard = teams_audience.source(context)
        if verb.startswith(adaptive.SUBMIT_PREFIX):
            values = {
                k.removeprefix(adaptive.INPUT_PREFIX): "" if v is None else str(v)
                for k, v in value.items()
                if k.startswith(adaptive.INPUT_PREFIX)
            }
            name = verb.removeprefix(adaptive.SUBMIT_PREFIX)
            await self._submit_form(context, who, name, {**payload, **values}, card, channel)
            return
        reply, message = await self._run(
            lambda: self.bot.press(who, verb, payload, face=FACE, channel=channel, audience=heard)
        )
        spec = self.bot.spec(verb)
        single = value.get("single") is True  # the card has nothing else worth keeping
        if card and single and spec and spec.writes and reply.form is None and not reply.error:
            await self._replace(context, card, message)  # "Snooze a week" can't be pressed twice
        else:
            await self._answer(context, who, reply, message)

    async def _submit_form(
        self,
        context: TurnContext,
        who: Who,
        name: str,
        values: dict[str, str],
        card: tuple[str, str] | None,
        channel: str | None,
    ) -> None:
        shared = self.bot.shared
        refused = await once.claim(shared, card)
        if refused:
            await self._say(context, Reply.fail(refused))
            return
        try:
            reply, message = await self._run(
                lambda: self.bot.submit(who, name, values, face=FACE, channel=channel)
            )
        except BaseException:
            await once.settle(shared, card, sent=False)
            raise
        sent = card is not None and not reply.error and reply.form is None
        await once.settle(shared, card, sent=sent)
        if card is None or (reply.error and reply.form is None):
            await self._answer(context, who, reply, message)  # refused: the form stays for others
            return
        if sent:  # a next form (a second step) stays open
            sender = context.activity.from_property.name if context.activity.from_property else ""
            stamp = self.bot.clock.now().strftime("%H:%M on %d/%m/%Y")
            message = to_activity(reply, footer=f"Submitted by {sender or 'you'} at {stamp}.")
        await self._replace(context, card, message)

    async def _on_installed(self, context: TurnContext, _state: TurnState) -> None:
        """App installed or bot added: keep the reference, so nudges can reach this person."""
        activity = context.activity
        if activity.conversation.conversation_type not in _PERSONAL:
            self._keep_channel(context)
            return
        who = await self._who(context)
        known = await asyncio.to_thread(self._identify, who)
        await self._remember(context, who)
        bot_id = activity.recipient.id if activity.recipient else None
        if activity.type == ActivityTypes.conversation_update and any(
            m.id == bot_id for m in activity.members_added or []
        ):
            hello = (
                "Hello, I'm socbot. Type `help` to see what you can do, or `status` and an OCG."
                if known
                else "Hello, I'm socbot. Your SOC coordinator needs to enrol you before I can "
                "show or record anything for you."
            )
            await self._say(context, Reply(text=hello))

    async def _on_error(self, context: TurnContext, error: Exception) -> None:
        """Never a traceback in chat: log it under an incident id and show only the id."""
        incident = secrets.token_hex(4)
        log.error("incident %s: Teams turn failed", incident, exc_info=error)
        try:
            await self._say(
                context,
                Reply.fail(
                    f"Sorry, something went wrong on our side (incident {incident}). Please try "
                    "again; if it keeps happening, give the incident id to your SOC coordinator."
                ),
            )
        except Exception:
            log.exception("incident %s: could not tell the user", incident)

    # -- people and text ----------------------------------------------------------------------

    async def _who(self, context: TurnContext) -> Who:
        """The sender by Entra object id alone (``from.id`` is not a person); with their email or
        UPN only while not linked yet, and only when the bot's own tenant vouches for it."""
        sender = context.activity.from_property
        user_id = sender.aad_object_id if sender else None
        if not sender or not user_id:
            return Who(FACE, "unknown")
        if user_id in self._linked:
            return Who(FACE, user_id)
        if await asyncio.to_thread(teams_refs.is_linked, self.bot.engine, user_id):
            self._linked.add(user_id)
            return Who(FACE, user_id)
        member = await self._member(context, sender.id) if sender.id else {}
        return Who(FACE, user_id, email=self._vouched_email(context.activity, user_id, member))

    def _vouched_email(
        self, activity: Activity, user_id: str, member: dict[str, Any]
    ) -> str | None:
        """The roster's email for this very sender, when it comes from the tenant the conversation
        is in and that is the bot's own (any tenant in anonymous mode without one). A guest's, a
        federated user's or a partner tenant's directory can say any email: never across tenants.
        """
        tenant = teams_refs.tenant_of(activity)
        own = tenant is not None and tenant == (self.home or tenant)
        roster_tenant = str(member.get("tenantId") or "").lower()
        if not own or roster_tenant != tenant or member.get("aadObjectId") != user_id:
            return None
        email = member.get("email") or member.get("userPrincipalName")
        return email if isinstance(email, str) and "@" in email else None

    async def _member(self, context: TurnContext, member_id: str) -> dict[str, Any]:
        """Teams' roster entry (email, UPN, AAD object id, tenant) for one member of this chat."""
        client = context.services.get(ConnectorClientBase)  # type: ignore[type-abstract]
        if client is None:
            return {}
        try:
            account = await client.conversations.get_conversation_member(
                context.activity.conversation.id, member_id
            )
        except Exception as exc:  # not a member any more, or Teams unavailable
            log.warning("Teams member look-up failed: %s", type(exc).__name__)
            return {}
        found: dict[str, Any] = account.model_dump(by_alias=True, exclude_none=True)
        return found

    async def _command_text(self, context: TurnContext) -> str:
        """The bot's @mention is gone (the SDK strips it); other people become ``@teams:<aad>``."""
        activity = context.activity
        text = activity.text or ""
        bot_id = activity.recipient.id if activity.recipient else None
        for mention in activity.get_mentions():
            person = mention.mentioned
            if person is None or person.id == bot_id:
                continue
            tag = mention.text or f"<at>{person.name}</at>"
            aad = person.aad_object_id or (await self._member(context, person.id)).get(
                "aadObjectId"
            )
            name = re.sub(r"\s+", "", person.name or "someone")
            text = text.replace(tag, f"@teams:{aad}" if aad else f"@{name}")
        return re.sub(r"</?at>", "", text).strip()

    def _identify(self, who: Who) -> bool:
        """True when enrolled (auto-linking by email the first time, as the core does)."""
        with Session(self.bot.engine) as session:
            return self.bot.identify(session, who) is not None

    async def _remember(self, context: TurnContext, who: Who) -> None:
        """Keep the personal-chat reference for proactive messages; write only when it changed."""
        conversation = context.activity.conversation
        if conversation.conversation_type not in _PERSONAL:
            self._keep_channel(context)
            return
        if self._stored.get(who.id) == conversation.id:
            return
        reference = teams_refs.from_turn(context)
        if await asyncio.to_thread(teams_refs.save, self.bot.engine, who.id, reference):
            self._stored[who.id] = conversation.id
            self._linked.add(who.id)

    def _keep_channel(self, context: TurnContext) -> None:
        channel = teams_refs.channel_of(context.activity)
        if channel and channel not in self.channels:
            self.channels[channel] = teams_refs.from_turn(context)

    # -- replies ------------------------------------------------------------------------------

    async def _run(
        self,
        call: Callable[[], Reply],
        live: Callable[[Reply], adaptive.Live | None] | None = None,
    ) -> tuple[Reply, Activity]:
        """The core call and the card, in a worker thread: the loop stays free meanwhile."""

        def work() -> tuple[Reply, Activity]:
            reply = call()
            return reply, to_activity(reply, live=live(reply) if live else None)

        return await asyncio.to_thread(work)

    async def _say(self, context: TurnContext, reply: Reply) -> None:
        await context.send_activity(to_activity(reply))

    async def _answer(
        self, context: TurnContext, who: Who, reply: Reply, message: Activity
    ) -> None:
        """Reply where asked; in a channel, a private answer goes to the asker's personal chat."""
        personal_chat = context.activity.conversation.conversation_type in _PERSONAL
        if personal_chat or not reply.ephemeral or reply.error:
            await context.send_activity(message)
            return
        reference = await asyncio.to_thread(teams_refs.personal, self.bot.engine, who.id)
        if reference is not None:
            await self.sender.send(reference, message)
            note = "I've sent you the answer in our personal chat."
        else:
            note = (
                "I answer in a personal chat so that OCG detail stays out of shared channels. "
                "Open socbot from Apps, say `help`, then ask again."
            )
        if (reply.context or "").startswith("Not shared"):  # the why names no OCG detail
            note = f"{reply.context} {note}"
        await self._say(context, Reply(text=note))

    async def _replace(
        self, context: TurnContext, card: tuple[str, str], message: Activity
    ) -> None:
        message.id = card[1]
        await context.update_activity(message)
