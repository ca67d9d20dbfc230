"""The outbox: messages decided inside a transaction, delivered later by whichever face can.

Deciding and recording happen in one transaction with a unique key per message, so a sweep that
runs twice, overlaps itself or runs on two replicas queues each message once. Delivery retries
with backoff and never drops a row.

A message queued with a ``render`` spec is worded again when it is delivered (``render``), by the
plugin that queued it (the ``render_message`` hook), so a nudge queued on Monday and sent on
Wednesday counts Wednesday's days overdue, and one whose point has gone (the action was closed)
is withdrawn. The spec is kept in the row's body under ``"render"``, beside the reply as worded
when it was queued (sent as it is when no plugin answers).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from socbot import channels
from socbot.access import Access, load_actor, no_aliases
from socbot.model import Reply, Withdraw
from socbot.people import partners_among
from socbot.store.models import Identity, Ocg, Outbox, Person
from socbot.withhold import Names, for_partner

if TYPE_CHECKING:
    import pluggy
    from sqlalchemy import Engine

    from socbot.clock import Clock

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)


class Sender(Protocol):
    """What delivery needs of the bot: its store, clock and faces' hooks (named by shape, as
    the bot's commands queue messages through this module)."""

    @property
    def engine(self) -> Engine: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def pm(self) -> pluggy.PluginManager: ...
    @property
    def access(self) -> Access: ...


@dataclass
class Outgoing:
    """One message to deliver, with what a face needs to reach the person."""

    id: int
    kind: str
    reply: Reply
    person: Person | None
    identities: dict[str, Identity]
    channel: str | None = None


@dataclass
class Delivery:
    """A face's answer: sent, or failed (with an optional wait before the next try)."""

    ok: bool
    face: str
    error: str | None = None
    retry_after: float | None = None
    note: str | None = None  # e.g. "sent to coordinator @x: @y has no Teams conversation"


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    reply: Reply,
    now: datetime,
    person_id: int | None = None,
    channel: str | None = None,
    ocg_id: int | None = None,
    note: str | None = None,
    acl: Access | None = None,
    render: Mapping[str, Any] | None = None,
) -> bool:
    """Queue a message unless one with ``key`` exists. True when this call queued it.

    ``acl`` (the bot's permissions) tells which OCGs a partner recipient sees, whose names are
    withheld from them; without it every OCG's names are (safe, but slower). ``render`` (plain
    JSON data) asks the plugin answering ``render_message`` for ``kind`` to word the message
    again at delivery; ``reply`` is then what it said when queued."""
    if session.autoflush:  # as an ORM statement would: it may name rows not yet flushed
        session.flush()
    message = {"key": key, "kind": kind, "reply": reply, "person_id": person_id}
    message |= {"channel": channel, "ocg_id": ocg_id, "note": note, "render": render}
    return key in enqueue_many(session, [message], now=now, acl=acl)


def enqueue_many(
    session: Session,
    messages: list[dict[str, Any]],
    *,
    now: datetime,
    acl: Access | None = None,
    chunk: int = 500,
) -> set[str]:
    """Queue many messages (dicts of ``enqueue``'s keyword arguments) in a few statements, for
    sweeps that chase thousands of people. Returns the keys this call queued; the rest existed.
    Pass ``messages`` in a stable order (by recipient, say): two sweeps at once then take their
    row locks in the same order and cannot deadlock.
    """
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # One cached statement, executed for many rows: SQLAlchemy batches it ("insertmanyvalues").
    # RETURNING, not rowcount: SQLAlchemy adds its own RETURNING on PostgreSQL, which leaves
    # rowcount at -1 (truthy) even when the conflict inserted nothing.
    stmt = insert(Outbox).on_conflict_do_nothing(index_elements=["key"]).returning(col(Outbox.key))
    queued: set[str] = set()
    for start in range(0, len(messages), chunk):  # bodies built a chunk at a time: less to hold
        part = _for_partners(session, messages[start : start + chunk], now, acl)
        rows = [
            {
                "key": m["key"],
                "kind": m["kind"],
                "person_id": m.get("person_id"),
                "channel": m.get("channel"),
                "ocg_id": m.get("ocg_id"),
                "body": _body(m["reply"], m.get("render")),
                "note": m.get("note"),
                "created_at": now,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
            }
            for m in part
        ]
        queued |= set(session.connection().execute(stmt, rows).scalars())
    return queued


def _for_partners(
    session: Session,
    messages: list[dict[str, Any]],
    now: datetime,
    acl: Access | None,
    names: Names | None = None,
) -> list[dict[str, Any]]:
    """Messages to partners pass the same withholding as their replies, whichever plugin
    decided them: one query finds the partners among the recipients (usually none).
    ``names``: what a delivery run has read already (see ``Names``)."""
    ids = {m["person_id"] for m in messages if m.get("person_id")}
    if not ids:
        return messages
    partners = partners_among(session, ids, now)
    if not partners:
        return messages
    out = []
    names = (names or Names(session, acl.aliases if acl else no_aliases)).on(session)
    for m in messages:
        if m.get("person_id") in partners:
            person = session.get(Person, m["person_id"])
            actor = load_actor(session, person, now) if person else None
            if actor is not None:
                extra = [m["ocg_id"]] if m.get("ocg_id") else []
                m = {
                    **m,
                    "reply": for_partner(session, actor, m["reply"], extra, acl=acl, names=names),
                }
        out.append(m)
    return out


def _body(reply: Reply, render: Mapping[str, Any] | None) -> dict[str, Any]:
    body = reply.to_dict()
    if render:
        body["render"] = dict(render)
    return body


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    wait = timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), MAX_BACKOFF.total_seconds()))
    return max(wait, timedelta(seconds=retry_after or 0))


# Reminders about an OCG's plan (review alerts, plan-health nudges) mean nothing once the OCG
# is closed: one decided before it was archived, but still pending, is withdrawn at send time.
# A plugin whose reminders carry ``ocg_id`` adds its kind here.
ACTIVE_OCG_ONLY = {"review-alert"}


def render(
    bot: Sender, session: Session, row: Outbox, names: Names | None = None
) -> Reply | Withdraw:
    """The message as it reads now, with its classification marking (a partner's withheld
    copy OFFICIAL, any other message about the force's work OFFICIAL-SENSITIVE, unless the
    plugin marked it): the faces print the marking on every message, as on every reply.
    ``names``: the names to withhold, shared by the messages of one claimed batch."""
    found = _worded(bot, session, row, names)
    if isinstance(found, Reply) and found.classification is None:
        found.classification = channels.OFFICIAL if found.sanitised else channels.OFFICIAL_SENSITIVE
    return found


def _worded(
    bot: Sender, session: Session, row: Outbox, names: Names | None = None
) -> Reply | Withdraw:
    """Worded again by its plugin when queued with a ``render`` spec (a partner's copy
    withheld as every message is), else as it was queued; or ``Withdraw`` when it no longer
    has a point. A re-worded row keeps what it now says."""
    if row.kind in ACTIVE_OCG_ONLY and row.ocg_id is not None:
        ocg = session.get(Ocg, row.ocg_id)
        if ocg is not None and ocg.status != "active":
            return Withdraw(f"the OCG is {ocg.status}")
    spec = row.body.get("render")
    if not spec:
        return Reply.from_dict(row.body)
    found = bot.pm.hook.render_message(
        session=session,
        kind=row.kind,
        spec=spec,
        person_id=row.person_id,
        channel=row.channel,
        clock=bot.clock,
        hooks=bot.pm.hook,
    )
    if found is None:  # the plugin that queued it is gone: send it as it was worded
        return Reply.from_dict(row.body)
    if isinstance(found, Withdraw):
        return found
    message = {"person_id": row.person_id, "ocg_id": row.ocg_id, "reply": found}
    now = bot.clock.utcnow()
    found = _for_partners(session, [message], now, bot.access, names)[0]["reply"]
    row.body = _body(found, spec)
    return found
