"""Delivering the outbox with no transaction or lock held while a message is posted.

A run claims a few due rows in a short transaction (a lease: ``claimed_by`` and ``lease_until``
by the wall clock; ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a conditional UPDATE everywhere),
then for each row: words it (``render``) and marks it ``sending`` in a short transaction, posts
it with nothing held, and records the result and its audit row in another short transaction,
only while the lease is still this run's. A replica killed at any point leaves at most the one
``sending`` row in doubt; once its lease expires another replica sends it (again, perhaps).
Rows merely claimed and never marked ``sending`` were not posted and are simply claimed again.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from socbot import audit
from socbot.inlist import padded
from socbot.model import Withdraw
from socbot.outbox import Delivery, Outgoing, backoff, render
from socbot.store.models import Identity, Outbox, Person
from socbot.withhold import Names

if TYPE_CHECKING:
    from socbot.outbox import Sender

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
BATCH = 10
CHAT_PLATFORMS = ("slack", "teams")


def wall() -> datetime:
    """Leases expire by the wall clock: ``SOCBOT_NOW`` fixes the bot's, which would never move."""
    return datetime.now(UTC)


def deliver_due(
    bot: Sender,
    *,
    limit: int = 200,
    batch: int = BATCH,
    lease: timedelta = LEASE,
    console_only: bool = False,
) -> dict[str, int]:
    """Send up to ``limit`` due messages, ``batch`` claimed at a time. Returns counts by outcome.

    ``console_only``: a console process (``socbot say``, ``chat``) claims only messages to
    people with no Slack or Teams identity; the rest are the chat faces' to send."""
    counts = {"sent": 0, "failed": 0, "unreachable": 0}
    token = uuid.uuid4().hex
    done = 0
    while done < limit:
        ids = claim(bot, token, min(batch, limit - done), lease, console_only)
        if not ids:
            break
        # the names withheld from partners, read once for the batch (reading every OCG's took
        # 0.4 s a message nationally), so at most a batch's posting time old; the index built
        # from them is reused while they read the same (``withhold._Built``)
        names = Names(None, bot.access.aliases)
        for row_id in ids:
            outcome = _deliver_one(bot, token, row_id, lease, names)
            if outcome:
                counts[outcome] = counts.get(outcome, 0) + 1
        done += len(ids)
    return counts


def _free(now: datetime):  # type: ignore[no-untyped-def]
    """Rows no live lease holds: never claimed, released, or their holder died."""
    return or_(col(Outbox.lease_until).is_(None), col(Outbox.lease_until) < now)


def console_people():  # type: ignore[no-untyped-def]
    """Rows to people the console reaches: no Slack or Teams identity (the demo, training)."""
    linked = select(Identity.id).where(
        Identity.person_id == Outbox.person_id, col(Identity.platform).in_(CHAT_PLATFORMS)
    )
    return and_(col(Outbox.person_id).is_not(None), ~linked.exists())


def claim(
    bot: Sender, token: str, size: int, lease: timedelta, console_only: bool = False
) -> list[int]:
    """Lease up to ``size`` due rows to ``token`` in one short transaction; their ids, in order."""
    with Session(bot.engine) as session, session.begin():
        due, now = bot.clock.utcnow(), wall()
        query = (
            select(Outbox.id)
            .where(col(Outbox.status).in_(("pending", "sending")))
            .where(Outbox.next_attempt_at <= due, _free(now))
            .order_by(col(Outbox.id))
            .limit(size)
        )
        if console_only:
            query = query.where(console_people())
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = [i for i in session.exec(query).all() if i is not None]
        if not ids:
            return []
        # conditional: on SQLite (no row locks) two runs may select the same rows; one wins
        session.exec(  # type: ignore[call-overload]
            update(Outbox)
            .where(col(Outbox.id).in_(padded(ids)), _free(now))
            .values(claimed_by=token, lease_until=now + lease)
        )
        mine = select(Outbox.id).where(col(Outbox.id).in_(padded(ids)), Outbox.claimed_by == token)
        return sorted(i for i in session.exec(mine).all() if i is not None)


def _held(session: Session, token: str, row_id: int) -> Outbox | None:
    """The row, when this run's lease on it is still live."""
    row = session.get(Outbox, row_id, with_for_update=True)
    if row is None or row.claimed_by != token or row.lease_until is None:
        return None
    if row.lease_until.replace(tzinfo=row.lease_until.tzinfo or UTC) < wall():
        return None
    return row


def _prepare(
    bot: Sender, token: str, row_id: int, lease: timedelta, names: Names
) -> Outgoing | str | None:
    """Word the row and mark it ``sending``: the message to post, "withdrawn", or None (lost)."""
    with Session(bot.engine, expire_on_commit=False) as session, session.begin():
        row = _held(session, token, row_id)
        if row is None:
            return None
        reply = render(bot, session, row, names)
        if isinstance(reply, Withdraw):
            row.status, row.last_error = "withdrawn", reply.reason
            row.claimed_by = row.lease_until = None
            return "withdrawn"
        person = session.get(Person, row.person_id) if row.person_id else None
        identities = {}
        if person is not None:
            found = session.exec(select(Identity).where(Identity.person_id == person.id)).all()
            identities = {i.platform: i for i in found}
        row.status, row.lease_until = "sending", wall() + lease
        return Outgoing(row.id or 0, row.kind, reply, person, identities, row.channel)


def scope(message: Outgoing) -> str | None:
    """Where a rate limit applies: the Slack workspace (one per install) or the Teams tenant."""
    if "slack" in message.identities:
        return "slack"
    if "teams" in message.identities:
        conversation = message.identities["teams"].conversation or {}
        return f"teams:{conversation.get('tenant_id') or conversation.get('tenantId') or '-'}"
    return None


def _hold(bot: Sender, where: str | None) -> float:
    """Seconds left of a 429's "not before" on ``where``, shared by every replica (0: none)."""
    shared = getattr(bot, "shared", None)
    if where is None or shared is None or (until := shared.get(f"hold:{where}")) is None:
        return 0.0
    return max((datetime.fromisoformat(until) - bot.clock.utcnow()).total_seconds(), 0.0)


def _release(bot: Sender, token: str, row_id: int, wait: float) -> None:
    """Give a claimed row back unposted, due again when the hold ends (no attempt counted)."""
    with Session(bot.engine) as session, session.begin():
        row = _held(session, token, row_id)
        if row is not None:
            row.status, row.claimed_by, row.lease_until = "pending", None, None
            row.next_attempt_at = bot.clock.utcnow() + timedelta(seconds=wait)


def _deliver_one(
    bot: Sender, token: str, row_id: int, lease: timedelta, names: Names
) -> str | None:
    message = _prepare(bot, token, row_id, lease, names)
    if message is None or isinstance(message, str):
        return message
    where = scope(message)
    if wait := _hold(bot, where):  # another replica (or this one) was told to wait
        _release(bot, token, row_id, wait)
        return "held"
    try:  # nothing held: other replicas and commands carry on while this posts
        result = bot.pm.hook.deliver_message(message=message)
    except Exception as exc:  # a face bug must not lose the message
        log.exception("delivery of outbox row %s raised", row_id)
        result = Delivery(False, "?", f"{type(exc).__name__}")
    shared = getattr(bot, "shared", None)
    if result is not None and not result.ok and result.retry_after and where and shared:
        # "not before" on the bot's clock, as next_attempt_at is; the entry itself expires by
        # the wall clock, so a fixed SOCBOT_NOW cannot hold a workspace for ever
        until = bot.clock.utcnow() + timedelta(seconds=result.retry_after)
        shared.put(f"hold:{where}", until.isoformat(), timedelta(seconds=result.retry_after))
    return record(bot, token, message, result)


def record(bot: Sender, token: str, message: Outgoing, result: Delivery | None) -> str | None:
    """Store a post's result and its audit row, if the lease is still ours (else another run
    has the row now, and its result counts)."""
    with Session(bot.engine) as session, session.begin():
        row = _held(session, token, message.id)
        if row is None:
            log.warning("outbox row %s: lease lost while posting", message.id)
            return None
        now = bot.clock.utcnow()
        row.attempts += 1
        row.claimed_by = row.lease_until = None
        if result is not None and result.ok:
            row.status, row.sent_at, row.face, row.last_error = "sent", now, result.face, None
            row.note = result.note or row.note
            outcome = "sent"
        else:
            row.status = "pending"
            row.last_error = result.error if result else "no face can reach this recipient"
            wait = result.retry_after if result else None
            row.next_attempt_at = now + backoff(row.attempts, wait)
            outcome = "failed" if result else "unreachable"
        person = message.person
        audit.append(
            session,
            at=now,
            actor="socbot",
            face=result.face if result else "-",
            action="outbox",
            text_=f"{row.kind} #{row.id} to {person.handle if person else row.channel}",
            outcome="ok" if outcome == "sent" else outcome,
            detail=row.last_error or (result.note if result else None),
        )
        return outcome
