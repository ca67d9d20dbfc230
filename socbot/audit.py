"""The audit trail: append-only, hash-chained, secrets stripped. Evidence in court.

Each row's hash covers its fields and its predecessor's hash, so editing or deleting a row breaks
the chain from that row on; ``socbot audit verify`` names the first broken row. Deleting rows at
the end leaves a shorter chain that is still whole: only a copy of the last row's id and hash kept
elsewhere (``verify --anchor ID:HASH``) shows that. Handing one out is itself recorded
(``ANCHOR``): a store whose trail someone outside vouches for is never wiped (``socbot.wipe``).
See docs/security.md.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection, insert, text
from sqlmodel import Session, col, select

from socbot.redact import scrub
from socbot.store.models import AuditEvent

if TYPE_CHECKING:
    from socbot.access import Actor


class Doing(Protocol):
    """What ``record`` reads of a command's ``Context``: who, on which face and channel, when.
    (Named by shape: the context itself queues and audits through modules below it.)"""

    session: Session
    actor: Actor
    face: str
    channel: str | None

    def utcnow(self) -> datetime: ...


GENESIS = "0" * 64
TEXT_LIMIT = 2000
_LOCK_ID = 4242  # pg_advisory_xact_lock key for audit appenders

# The action of the row ``socbot audit verify`` writes as it hands out an anchor: from then on
# someone outside the database may hold evidence of this trail, so the store is never wiped.
ANCHOR = "audit.anchor"

__all__ = ["ANCHOR", "GENESIS", "Head", "append", "head", "lock", "rows", "scrub", "verify"]


def cli_actor() -> str:
    """Who is at the command line, as an audit row's actor: ``cli:<OS user>`` (``cli`` if the
    OS cannot say)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


def _clean(value: str) -> str:
    """Secrets out, then cut to size (cut generously first: scrubbing 100 kB is wasted work)."""
    return scrub(value[: TEXT_LIMIT * 2])[:TEXT_LIMIT]


# The fields each hash covers, in order, after the predecessor's hash.
_HASHED = (
    "at",
    "actor_id",
    "actor",
    "face",
    "channel",
    "action",
    "text",
    "ocg_ref",
    "outcome",
    "detail",
)
_TABLE = AuditEvent.__table__  # type: ignore[attr-defined]
# Core statements built once: append runs on every command, and the ORM's unit of work and
# statement building cost more than the insert itself.
_INSERT = insert(_TABLE)
_LAST_HASH = select(_TABLE.c.hash).order_by(_TABLE.c.id.desc()).limit(1)
_PG_LOCK = text(f"SELECT pg_advisory_xact_lock({_LOCK_ID})")
# SQLite: a write that changes nothing still takes the database's write lock, held to commit.
_SQLITE_LOCK = text(f"UPDATE {_TABLE.name} SET outcome = '-' WHERE id = -1")


def _digest(prev: str, row: Any) -> str:
    """The hash of ``row`` (an ``AuditEvent`` or a dict of its columns) chained onto ``prev``."""
    get = row.get if isinstance(row, dict) else row.__getattribute__
    values: list[Any] = [get(name) for name in _HASHED]
    values[0] = values[0].isoformat()
    body = json.dumps([prev, *values], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def append(
    session: Session,
    *,
    at: datetime,
    action: str,
    text_: str,
    actor: str = "cli",
    face: str = "cli",
    outcome: str = "ok",
    actor_id: int | None = None,
    channel: str | None = None,
    ocg_ref: str | None = None,
    detail: str | None = None,
) -> None:
    """Add one row at the chain's end, inside the caller's transaction (defaults: a
    successful change made on the command line).

    The last hash is read under a lock held until commit, so two processes appending at once
    queue up instead of both chaining onto the same row (a fork would look like tampering).
    """
    conn = lock(session)
    prev = conn.execute(_LAST_HASH).scalar() or GENESIS
    row: dict[str, Any] = {
        "at": at.astimezone(UTC),  # the hash covers isoformat(): store and hash the same instant
        "actor_id": actor_id,
        "actor": _clean(actor)[:200],
        "face": face[:40],
        "channel": channel[:200] if channel else None,
        "action": action[:100],
        "text": _clean(text_),
        "ocg_ref": ocg_ref,
        "outcome": outcome,
        "detail": _clean(detail) if detail else None,
        "prev_hash": prev,
    }
    row["hash"] = _digest(prev, row)
    conn.execute(_INSERT, row)


def lock(session: Session) -> Connection:
    """Take the trail's append lock until commit (returns the connection holding it)."""
    conn = session.connection()
    conn.execute(_PG_LOCK if conn.dialect.name == "postgresql" else _SQLITE_LOCK)
    return conn


def rows(
    session: Session, batch: int = 5000, since: datetime | None = None
) -> Iterator[AuditEvent]:
    """Every row in chain order (``since``: only rows at or after that instant), in batches."""
    last = 0
    while True:
        query = select(AuditEvent).where(AuditEvent.id > last)  # type: ignore[operator]
        if since is not None:
            query = query.where(AuditEvent.at >= since)
        chunk = session.exec(query.order_by(AuditEvent.id).limit(batch)).all()  # type: ignore[arg-type]
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].id or last


@dataclass(frozen=True)
class Head:
    """The chain's last row: keep ``id:hash`` outside the database to detect tail deletion."""

    id: int
    hash: str

    def __str__(self) -> str:
        return f"{self.id}:{self.hash}"

    @classmethod
    def parse(cls, value: str) -> Head:
        ident, _, digest = value.strip().partition(":")
        if not ident.isdigit() or len(digest) != 64:
            raise ValueError(f"{value!r} is not an anchor: expected ID:HASH as verify prints it")
        return cls(int(ident), digest.lower())


def _last(session: Session) -> AuditEvent | None:
    return session.exec(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()  # type: ignore[union-attr]


def head(session: Session) -> Head | None:
    """The last row's id and hash, or ``None`` for an empty trail."""
    row = _last(session)
    return Head(row.id or 0, row.hash) if row else None


def issue_anchor(session: Session, *, at: datetime) -> Head | None:
    """Record that the chain's end is handed out as an anchor; the anchor is that row itself
    (chained onto the rows just verified). ``None`` for an empty trail: nothing to vouch for."""
    lock(session)
    last = _last(session)
    if last is None or last.action == ANCHOR:  # nothing since the last anchor: hand it out again
        return head(session)
    detail = "anchor issued: this row's ID:HASH is kept outside the database"
    append(
        session, at=at, actor=cli_actor(), action=ANCHOR, text_="socbot audit verify", detail=detail
    )
    return head(session)


def first_anchor(session: Session) -> AuditEvent | None:
    """The first row recording an anchor handed out, if any was."""
    query = select(AuditEvent).where(AuditEvent.action == ANCHOR)
    return session.exec(query.order_by(col(AuditEvent.id)).limit(1)).first()


def check_anchor(session: Session, anchor: Head) -> str | None:
    """None when the anchored row is still there unchanged; else what went wrong.

    Run after ``verify``: an intact chain that still holds the anchored row was not cut short
    before that row.
    """
    row = session.get(AuditEvent, anchor.id)
    if row is None:
        return (
            f"row {anchor.id}, recorded as the chain's end, is gone: rows were deleted from "
            "the end of the trail"
        )
    if row.hash != anchor.hash:
        return f"row {anchor.id} no longer has the hash recorded for it: the trail was rewritten"
    return None


def verify(session: Session) -> tuple[int, str | None]:
    """Walk the chain. Returns (rows checked, None) or (rows checked, what is wrong first)."""
    prev, count = GENESIS, 0
    for row in rows(session):
        if row.prev_hash != prev:
            return count, (
                f"row {row.id} ({row.at:%Y-%m-%d %H:%M:%S}) does not follow the row before it: "
                "a row before it was deleted or edited"
            )
        if _digest(row.prev_hash, row) != row.hash:
            return (
                count,
                f"row {row.id} ({row.at:%Y-%m-%d %H:%M:%S}) was edited after it was written",
            )
        prev, count = row.hash, count + 1
    return count, None


def record(
    ctx: Doing,
    *,
    action: str,
    text_: str,
    outcome: str = "ok",
    detail: str | None = None,
    ocg_ref: str | None = None,
) -> None:
    """A row for something ``ctx``'s actor did, on the face and channel they did it from."""
    append(
        ctx.session,
        at=ctx.utcnow(),
        actor=ctx.actor.handle,
        actor_id=ctx.actor.id,
        face=ctx.face,
        channel=ctx.channel,
        action=action,
        text_=text_,
        ocg_ref=ocg_ref,
        outcome=outcome,
        detail=detail,
    )
