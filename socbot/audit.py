"""The audit trail: append-only, hash-chained, secrets stripped. Evidence in court.

Each row's hash covers its fields and its predecessor's hash, so editing or deleting a row breaks
the chain from that row on; ``socbot audit verify`` names the first broken row.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session, select

from socbot.db.models import AuditEvent

GENESIS = "0" * 64
_SECRETS = re.compile(
    r"(xox[abposr]-[A-Za-z0-9-]{8,}|xapp-[A-Za-z0-9-]{8,}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9._-]+"
    r"|(?:password|passwd|secret|token|client_secret|api_key)\s*[=:]\s*\S+"
    r"|postgres(?:ql)?(?:\+\w+)?://[^:\s/]+:[^@\s]+@)",
    re.I,
)


def scrub(value: str) -> str:
    """Strip anything that looks like a token, secret or password from free text."""
    return _SECRETS.sub("[redacted]", value)


def _digest(prev: str, row: AuditEvent) -> str:
    body = json.dumps(
        [
            prev,
            row.at.isoformat(),
            row.actor_id,
            row.actor,
            row.face,
            row.channel,
            row.action,
            row.text,
            row.ocg_ref,
            row.outcome,
            row.detail,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def append(
    session: Session,
    *,
    at: datetime,
    actor: str,
    face: str,
    action: str,
    text_: str,
    outcome: str,
    actor_id: int | None = None,
    channel: str | None = None,
    ocg_ref: str | None = None,
    detail: str | None = None,
) -> AuditEvent:
    """Add one row at the chain's end, inside the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        # Serialise appenders across replicas until commit, so the chain never forks.
        session.exec(text("SELECT pg_advisory_xact_lock(4242)"))  # type: ignore[call-overload]
    prev = session.exec(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()  # type: ignore[union-attr]
    row = AuditEvent(
        at=at,
        actor_id=actor_id,
        actor=actor[:200],
        face=face,
        channel=channel,
        action=action[:100],
        text=scrub(text_)[:2000],
        ocg_ref=ocg_ref,
        outcome=outcome,
        detail=scrub(detail)[:2000] if detail else None,
        prev_hash=prev or GENESIS,
        hash="",
    )
    row.hash = _digest(row.prev_hash, row)
    session.add(row)
    session.flush()
    return row


def rows(session: Session, batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        chunk = session.exec(
            select(AuditEvent).where(AuditEvent.id > last).order_by(AuditEvent.id).limit(batch)  # type: ignore[operator,arg-type]
        ).all()
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].id or last


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
