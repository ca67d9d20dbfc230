"""Guards against replays and floods, kept in the store so that every replica agrees.

``first_time`` remembers a request or event key (table ``seenrequest``) for ``REPLAY_WINDOW``:
longer than a Slack signature stays valid (five minutes either side of its timestamp) and than
Slack's last retry of an event, so a replay inside the window finds its key and, after it, fails
the signature check. ``Rates`` counts each sender's commands in a fixed one-minute window (table
``ratewindow``). Both are one atomic upsert, correct with any number of replicas on one database;
expired rows are deleted at most once a minute per process.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, Connection, Engine, Table, case, delete
from sqlalchemy.dialects import postgresql, sqlite

from socbot.store.models import RateWindow, SeenRequest

REPLAY_WINDOW = timedelta(minutes=10)
RATE_WINDOW = timedelta(minutes=1)
SWEEP_EVERY = timedelta(minutes=1)
_SEEN: Table = SeenRequest.__table__  # type: ignore[attr-defined]
_RATES: Table = RateWindow.__table__  # type: ignore[attr-defined]
_swept: weakref.WeakKeyDictionary[Engine, dict[str, datetime]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def utcnow() -> datetime:
    """The wall clock, even when ``SOCBOT_NOW`` fixes the bot's: windows must move on."""
    return datetime.now(UTC)


def first_time(engine: Engine, key: str, *, now: datetime | None = None) -> bool:
    """True the first time ``key`` is seen within the window; atomic across replicas."""
    now = now or utcnow()
    insert = _insert(engine, _SEEN).values(key=key, expires_at=now + REPLAY_WINDOW)
    upsert = insert.on_conflict_do_update(  # an expired key not yet swept counts as new
        index_elements=[_SEEN.c.key],
        set_={"expires_at": insert.excluded.expires_at},
        where=_SEEN.c.expires_at <= now,
    ).returning(_SEEN.c.key)  # a row back when inserted or taken over; none when still live
    with engine.begin() as conn:
        taken = conn.execute(upsert).first() is not None
        _sweep(conn, engine, _SEEN.c.expires_at, now, now)
    return taken


class Rates:
    """Commands per key in the current fixed one-minute window."""

    def __init__(self, engine: Engine, now: Callable[[], datetime] = utcnow):
        self.engine = engine
        self.now = now

    def hit(self, key: str) -> int:
        """Count one more for ``key``; the count so far in its window, this one included."""
        now = self.now()
        cutoff = now - RATE_WINDOW
        stale = _RATES.c.window_start <= cutoff
        insert = _insert(self.engine, _RATES).values(key=key[:200], window_start=now, hits=1)
        upsert = insert.on_conflict_do_update(
            index_elements=[_RATES.c.key],
            set_={
                "hits": case((stale, 1), else_=_RATES.c.hits + 1),
                "window_start": case(
                    (stale, insert.excluded.window_start), else_=_RATES.c.window_start
                ),
            },
        ).returning(_RATES.c.hits)
        with self.engine.begin() as conn:
            hits = int(conn.execute(upsert).scalar_one())
            _sweep(conn, self.engine, _RATES.c.window_start, cutoff, now)
        return hits


def _insert(engine: Engine, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can say ON CONFLICT, for the two databases socbot runs on."""
    if engine.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _sweep(
    conn: Connection, engine: Engine, column: Column[datetime], older: datetime, now: datetime
) -> None:
    """Delete the rows whose ``column`` is at or before ``older``: a minute after an engine's
    first use, then once a minute at most (each replica sweeps; a sweep is one indexed delete)."""
    with _lock:
        last = _swept.setdefault(engine, {}).setdefault(column.table.name, now)
        if last <= now < last + SWEEP_EVERY:
            return
        _swept[engine][column.table.name] = now
    conn.execute(delete(column.table).where(column <= older))
