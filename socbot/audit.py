"""The audit trail: append-only, hash-chained, secrets stripped. Evidence in court.

Commands append rows *unsealed* (no hash, no lock), so no command waits on another's audit
row; ``seal`` (the scheduler, every second, and ``socbot audit seal``/``verify``) takes the one
lock and chains them in id order. Each sealed row's hash covers its fields and its
predecessor's hash, so editing or deleting a sealed row breaks the chain from that row on;
``socbot audit verify`` names the first broken row. Deleting rows at the end leaves a shorter
chain that is still whole: only a copy of the last row's id and hash kept elsewhere (``verify
--anchor ID:HASH``) shows that. Handing one out is itself recorded (``ANCHOR``): a store whose
trail someone outside vouches for is never wiped (``socbot.wipe``). See docs/security.md.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, text, update
from sqlmodel import Session, col, select

from socbot.prepared import Prepared
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
    def connection(self) -> Connection: ...


GENESIS = "0" * 64
TEXT_LIMIT = 2000
_LOCK_ID = 4242  # pg_advisory_xact_lock key for audit appenders

# The action of the row ``socbot audit verify`` writes as it hands out an anchor: from then on
# someone outside the database may hold evidence of this trail, so the store is never wiped.
ANCHOR = "audit.anchor"

# A gap in ids may be a transaction still in flight (PostgreSQL hands out ids at insert, commits
# land in any order): the sealer waits this long before taking it for a rolled-back id.
GRACE_SECONDS = 2.0
SEAL_BATCH = 1000

__all__ = [
    "ANCHOR",
    "GENESIS",
    "Head",
    "append",
    "head",
    "lock",
    "rows",
    "scrub",
    "seal",
    "unsealed",
    "verify",
]


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
_APPEND = Prepared(
    insert(_TABLE).values(
        {c.name: bindparam(c.name, type_=c.type) for c in _TABLE.c if c.name != "id"}
    )
)
_SEALED = _TABLE.c.hash.is_not(None)
_LAST_SEALED = (
    select(_TABLE.c.id, _TABLE.c.hash).where(_SEALED).order_by(_TABLE.c.id.desc()).limit(1)
)
_PENDING = _TABLE.c.hash.is_(None)
_SEAL_ROW = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"), _PENDING)
    .values(prev_hash=bindparam("p"), hash=bindparam("h"))
)
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
    session: Session | Connection,
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
    """Add one unsealed row inside the caller's transaction (defaults: a successful change made
    on the command line), on a session or straight on its connection. No lock and no read:
    ``seal`` chains it after commit."""
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
        "prev_hash": None,
        "hash": None,
    }
    _APPEND.run(session if isinstance(session, Connection) else session.connection(), row)


def lock(session: Session) -> Connection:
    """Take the trail's append lock until commit (returns the connection holding it)."""
    conn = session.connection()
    conn.execute(_PG_LOCK if conn.dialect.name == "postgresql" else _SQLITE_LOCK)
    return conn


# Where this process first saw each gap in ids (monotonic seconds): a gap is waited on from then.
_gaps: dict[tuple[str, int], float] = {}


def _move_late(conn: Connection, last_id: int) -> None:
    """Re-append (with a new, higher id) unsealed rows that committed after the sealer gave up
    their gap: the chain runs in id order, so they join it at its end."""
    late = conn.execute(
        select(_TABLE).where(_PENDING, _TABLE.c.id < last_id).order_by(_TABLE.c.id)
    ).mappings()
    for row in list(late):
        values = {k: v for k, v in row.items() if k != "id"}
        conn.execute(delete(_TABLE).where(_TABLE.c.id == row["id"]))
        conn.execute(_INSERT, values)


def seal_locked(session: Session, *, grace: float = GRACE_SECONDS, batch: int = SEAL_BATCH) -> int:
    """Chain up to ``batch`` unsealed rows in id order inside ``session`` (the lock is taken
    here, held to the caller's commit). Stops at a gap in ids younger than ``grace`` seconds.
    Returns the number sealed."""
    conn = lock(session)
    last = conn.execute(_LAST_SEALED).first()
    last_id, prev = (last[0], last[1]) if last else (0, GENESIS)
    _move_late(conn, last_id)
    pending = conn.execute(
        select(_TABLE).where(_PENDING).order_by(_TABLE.c.id).limit(batch)
    ).mappings()
    sealed: list[dict[str, Any]] = []
    store = repr(conn.engine.url)  # one process may seal several stores (tests, tools)
    expected = last_id + 1 if last else None  # an empty trail may start at any id
    for row in pending:
        if expected is not None and row["id"] != expected:
            seen = _gaps.setdefault((store, expected), time.monotonic())
            if time.monotonic() - seen < grace:
                break  # an earlier id may still commit
        _gaps.pop((store, expected or 0), None)
        digest = _digest(prev, dict(row))
        sealed.append({"row_id": row["id"], "p": prev, "h": digest})
        prev, expected = digest, row["id"] + 1
    if sealed:
        conn.execute(_SEAL_ROW, sealed)
    return len(sealed)


def seal(engine: Engine, *, grace: float = GRACE_SECONDS, wait: bool = False) -> int:
    """Chain every committed unsealed row, a batch per short transaction; returns how many.
    ``wait``: sleep out gaps (up to ``grace``) instead of leaving rows after them for later."""
    total, deadline = 0, time.monotonic() + grace + 1
    while True:
        with Session(engine) as session:
            done = seal_locked(session, grace=grace)
            session.commit()
        total += done
        if done == SEAL_BATCH:
            continue
        with Session(engine) as session:
            left = unsealed(session)[0]
        if not (wait and left and time.monotonic() < deadline):
            return total
        time.sleep(0.1)


def unsealed(session: Session) -> tuple[int, datetime | None]:
    """How many rows wait to be sealed, and when the oldest of them was written."""
    found = (
        session.connection()
        .execute(select(func.count(), func.min(_TABLE.c.at)).where(_PENDING))
        .one()
    )
    return int(found[0]), found[1]


def rows(
    session: Session, batch: int = 5000, since: datetime | None = None, sealed: bool = False
) -> Iterator[AuditEvent]:
    """Every row in id order (``since``: only rows at or after that instant; ``sealed``: only
    the chain's rows), in batches."""
    last = 0
    while True:
        query = select(AuditEvent).where(AuditEvent.id > last)  # type: ignore[operator]
        if sealed:
            query = query.where(col(AuditEvent.hash).is_not(None))
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
    """The chain's last (sealed) row."""
    query = select(AuditEvent).where(col(AuditEvent.hash).is_not(None))
    return session.exec(query.order_by(col(AuditEvent.id).desc()).limit(1)).first()


def head(session: Session) -> Head | None:
    """The last row's id and hash, or ``None`` for an empty trail."""
    row = _last(session)
    return Head(row.id or 0, row.hash or "") if row else None


def issue_anchor(session: Session, *, at: datetime) -> Head | None:
    """Record that the chain's end is handed out as an anchor; the anchor is that row itself
    (chained onto the rows just verified). ``None`` for an empty trail: nothing to vouch for.
    Seals everything committed first, gaps included (a row committing later moves to the end)."""
    while seal_locked(session, grace=0) == SEAL_BATCH:
        pass
    last = _last(session)
    if last is None or last.action == ANCHOR:  # nothing since the last anchor: hand it out again
        return head(session)
    detail = "anchor issued: this row's ID:HASH is kept outside the database"
    append(
        session, at=at, actor=cli_actor(), action=ANCHOR, text_="socbot audit verify", detail=detail
    )
    seal_locked(session, grace=0)
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
    """Walk the sealed chain (``unsealed`` counts the rest). Returns (rows checked, None) or
    (rows checked, what is wrong first)."""
    prev, count = GENESIS, 0
    for row in rows(session, sealed=True):
        if row.prev_hash != prev:
            return count, (
                f"row {row.id} ({row.at:%Y-%m-%d %H:%M:%S}) does not follow the row before it: "
                "a row before it was deleted or edited"
            )
        if _digest(prev, row) != row.hash:
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
        ctx.connection(),
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
