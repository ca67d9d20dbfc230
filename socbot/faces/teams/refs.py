"""Teams conversation references, kept on each person's ``teams`` identity in our database.

A bot can only message someone in Teams after it has a reference to a conversation with them (they
wrote to it, or installed the app). Keeping references in our own database, not the SDK's
``MemoryStorage``, means nudges still reach people after a restart or on another replica.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from microsoft_agents.activity import Activity, ConversationAccount, ConversationReference
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.app.proactive import Conversation
from sqlalchemy import Engine, or_
from sqlmodel import Session, select

from socbot.store.models import Assignment, Identity, Person

PLATFORM = "teams"


def channel_of(activity: Activity) -> str | None:
    """A thread is ``19:...@thread.tacv2;messageid=...``: the channel is the part before ``;``."""
    return activity.conversation.id.split(";", 1)[0] if activity.conversation else None


def tenant_of(activity: Activity) -> str | None:
    """The Entra tenant an activity comes from, lower case: Teams names it in ``channelData`` and
    on the conversation. None when neither does, or when they disagree."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant")
    named = {
        value.strip().lower()
        for value in (
            tenant.get("id") if isinstance(tenant, dict) else None,
            activity.conversation.tenant_id if activity.conversation else None,
        )
        if isinstance(value, str) and value.strip()
    }
    return named.pop() if len(named) == 1 else None


def from_turn(context: TurnContext) -> dict[str, Any]:
    """This conversation as a storable reference (the SDK's ``Conversation`` JSON)."""
    ref = context.activity.get_conversation_reference()
    ref.activity_id = None  # new messages, not replies to whatever was said last
    if ref.conversation and ref.conversation.conversation_type not in (None, "personal"):
        ref.conversation.id = channel_of(context.activity) or ref.conversation.id
        ref.user = None
    identity = context.identity
    return Conversation(identity if identity is not None else {}, ref).store_item_to_json()


def _identity(session: Session, aad_id: str) -> Identity | None:
    return session.exec(
        select(Identity).where(Identity.platform == PLATFORM, Identity.external_id == aad_id)
    ).first()


def is_linked(engine: Engine, aad_id: str) -> bool:
    with Session(engine) as session:
        return _identity(session, aad_id) is not None


def save(engine: Engine, aad_id: str, reference: dict[str, Any]) -> bool:
    """Store the personal-chat reference for ``aad_id``. False when nobody is linked to it."""
    with Session(engine) as session, session.begin():
        ident = _identity(session, aad_id)
        if ident is None:
            return False
        if ident.conversation != reference:
            ident.conversation = reference
            session.add(ident)
    return True


def personal(engine: Engine, aad_id: str) -> dict[str, Any] | None:
    with Session(engine) as session:
        ident = _identity(session, aad_id)
        return ident.conversation if ident and ident.conversation else None


def any_reference(engine: Engine) -> dict[str, Any] | None:
    """Some stored reference: its service URL, tenant and bot account let us address a channel."""
    with Session(engine) as session:
        rows = session.exec(
            select(Identity)
            .where(Identity.platform == PLATFORM)
            .order_by(Identity.id.desc())  # type: ignore[union-attr]
            .limit(50)
        ).all()
        return next((r.conversation for r in rows if r.conversation), None)


def for_channel(engine: Engine, channel: str) -> dict[str, Any] | None:
    """A channel addressed with a stored reference's service URL, tenant and claims.

    Teams serves a whole tenant from one regional service URL, so a digest can reach a channel
    (the actions plugin's ``coordinators_channel``) even before anyone has mentioned the bot there.
    """
    base = any_reference(engine)
    if base is None:
        return None
    ref = ConversationReference.model_validate(base["conversation_reference"])
    tenant = ref.conversation.tenant_id if ref.conversation else None
    ref.conversation = ConversationAccount(
        id=channel, is_group=True, conversation_type="channel", tenant_id=tenant
    )
    ref.user, ref.activity_id = None, None
    return Conversation(base.get("claims", {}), ref).store_item_to_json()


def coordinator_for(
    engine: Engine, person: Person, now: datetime
) -> tuple[Person, dict[str, Any]] | None:
    """An active coordinator of the person's own agency whom Teams can reach, if any.

    Same agency only: a partner's message may hold detail for that agency alone.
    """
    with Session(engine) as session:
        rows = session.exec(
            select(Person, Identity)
            .join(Assignment, Assignment.person_id == Person.id)  # type: ignore[arg-type]
            .join(Identity, Identity.person_id == Person.id)  # type: ignore[arg-type]
            .where(
                Assignment.role == "coordinator",
                Assignment.ocg_id.is_(None),  # type: ignore[union-attr]
                Assignment.started_at <= now,
                or_(
                    Assignment.ended_at.is_(None),  # type: ignore[union-attr]
                    Assignment.ended_at > now,  # type: ignore[operator,arg-type]
                ),
                Person.active,
                Person.agency == person.agency,
                Person.id != person.id,
                Identity.platform == PLATFORM,
            )
            .order_by(Person.id)  # type: ignore[arg-type]
        ).all()
        return next(((p, i.conversation) for p, i in rows if i.conversation), None)
