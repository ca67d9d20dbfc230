"""Who a Teams conversation reaches now, for the core's ``share`` check.

Teams lists a conversation's roster through the connector. A member from another Entra tenant
(a shared channel, an external chat) or with the guest or anonymous role is outside the force;
members are named by their Entra object id, which is how socbot links Teams people, so the core
also finds the enrolled partners among them. Asked at each post, never cached: membership changes.
"""

from __future__ import annotations

import asyncio
import logging

from microsoft_agents.hosting.core import ConnectorClientBase, TurnContext

from socbot.channels import Audience, AudienceSource, Member
from socbot.faces.teams import refs as teams_refs

log = logging.getLogger(__name__)
ASK_TIMEOUT = 5.0  # seconds to learn who is in the conversation (else nothing is shared)
_OUTSIDE_ROLES = {"guest": "a guest", "anonymous": "an anonymous member"}


async def audience(context: TurnContext) -> Audience | None:
    """The conversation's members, each marked when outside the force; None when Teams won't
    say (then the core shares nothing)."""
    activity = context.activity
    channel = teams_refs.channel_of(activity) or activity.conversation.id
    client = context.services.get(ConnectorClientBase)  # type: ignore[type-abstract]
    if client is None:
        return None
    try:
        roster = await client.conversations.get_conversation_members(channel)
    except Exception as exc:  # Teams unavailable: nothing is shared
        log.warning("Teams roster of %s unknown: %s", channel, type(exc).__name__)
        return None
    own = teams_refs.tenant_of(activity)
    members = []
    for m in roster:
        extra = m.model_extra or {}
        tenant = str(m.tenant_id or extra.get("tenantId") or "").lower()
        role = str(extra.get("userRole") or "").lower()
        outside = _OUTSIDE_ROLES.get(role)
        if tenant and own and tenant != own:
            outside = "from another organisation"
        members.append(Member(m.aad_object_id or m.id or "?", outside))
    return Audience(channel, tuple(members))


def source(context: TurnContext) -> AudienceSource:
    """``audience`` for the core, which asks from a worker thread while this loop runs on."""
    loop = asyncio.get_running_loop()

    def ask() -> Audience | None:
        try:
            return asyncio.run_coroutine_threadsafe(audience(context), loop).result(ASK_TIMEOUT)
        except Exception:  # a timeout, or the loop closing: nothing is shared
            log.warning("Teams roster unknown: not shared")
            return None

    return ask
