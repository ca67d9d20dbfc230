"""Emptying a store: ``socbot db wipe --i-understand`` and ``socbot demo --reset``.

The store holds court evidence, so a wipe is never silent: it is refused outright once an audit
anchor has been handed out (someone outside the database then vouches for the trail), and
otherwise it leaves a log line and a first audit row in the emptied store saying who wiped what
and when, including the old trail's last row, so the new trail points back at the old one.
Everything happens in one transaction, under the audit lock: a refused or failed wipe changes
nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, delete, func, select
from sqlmodel import Session, SQLModel

from socbot import audit
from socbot.model import CommandError

log = logging.getLogger("socbot.wipe")


def contents(session: Session) -> dict[str, int]:
    """Rows per table, non-empty tables only: what a wipe would delete."""
    counts = {}
    for table in SQLModel.metadata.sorted_tables:
        n = session.execute(select(func.count()).select_from(table)).scalar_one()
        if n:
            counts[table.name] = n
    return counts


def describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {name}" for name, n in counts.items()) or "nothing"


def refuse_if_anchored(session: Session) -> None:
    row = audit.first_anchor(session)
    if row is not None:
        raise CommandError(
            f"This store's audit trail has an anchor: row {row.id} records that "
            f"`socbot audit verify` handed one out on {row.at:%d/%m/%Y %H:%M} UTC, so someone "
            "may hold it as evidence of this trail. socbot never wipes an anchored store. "
            "Export the trail (`socbot export audit --format json --out FILE`) and retire the "
            "database under your records policy instead. Nothing was changed."
        )


def wipe(
    engine: Engine,
    *,
    now: datetime,
    command: str,
    action: str,
    check: Callable[[Session], None] = refuse_if_anchored,
    then: Callable[[Session], None] | None = None,
    level: int = logging.WARNING,
) -> str:
    """Delete every row (the schema stays) unless ``check`` raises ``CommandError``; write the
    new trail's first row; run ``then`` (a reload) in the same transaction. Returns a summary."""
    with Session(engine) as session:
        audit.seal_locked(session, grace=0)  # lock (nothing sealed between check and wipe)
        check(session)
        counts, last = contents(session), audit.head(session)
        for table in reversed(SQLModel.metadata.sorted_tables):
            session.execute(delete(table))
        who = audit.cli_actor()
        summary = f"deleted {describe(counts)}; the old audit trail ended at {last or 'nothing'}"
        audit.append(session, at=now, actor=who, action=action, text_=command, detail=summary)
        audit.seal_locked(session, grace=0)  # the new trail starts sealed, from GENESIS
        if then is not None:
            then(session)
        session.commit()
    log.log(level, "%s wiped the store (by %s): %s", command, who, summary)
    return summary


def run_cli(engine: Engine, now: datetime, confirmed: bool) -> int:
    """``socbot db wipe [--i-understand]``: 0 wiped; 1 refused or unconfirmed (nothing changed)."""
    if not confirmed:
        with Session(engine) as session:
            what = describe(contents(session))
        print(
            f"`socbot db wipe` deletes everything in this store, audit trail included: {what}. "
            "Nothing was changed. If that is what you mean, run `socbot db wipe --i-understand`."
        )
        return 1
    try:
        summary = wipe(engine, now=now, command="socbot db wipe --i-understand", action="db.wipe")
    except CommandError as exc:
        print(exc.message)
        return 1
    print(f"store wiped: {summary}. The new audit trail starts with a row saying so.")
    return 0
