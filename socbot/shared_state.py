"""State that every replica must agree on, behind one small interface with two backends.

Slack event ids and signed-request replays (``claim``: the first caller wins), the message a
Slack modal was opened from (``put`` / ``get``), a Teams form card in flight or already sent
(``claim`` with a value, then ``put`` or ``drop``) and each sender's commands this minute
(``hit``). Kept in the store (table ``sharedstate``) by default, so replicas on one database
agree with nothing else to run; in Redis when ``SOCBOT_REDIS_URL`` is set, which takes these
small writes off the database. Every entry expires: Redis drops it itself, the store deletes
expired rows at most once a minute per process (an expired row not yet deleted counts as gone).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine, Insert, Table, bindparam, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from socbot.store.models import SharedState

SWEEP_EVERY = timedelta(minutes=1)
_TABLE: Table = SharedState.__table__  # type: ignore[attr-defined]
_swept: weakref.WeakKeyDictionary[Engine, datetime] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _hit_upsert(insert: postgresql.Insert | sqlite.Insert) -> Insert:
    """``hits`` plus ``:by`` in a live window, else a new window of ``:by`` ending ``:until``.
    Built once per dialect with bind parameters: building it took three times the upsert."""
    stale = _TABLE.c.expires_at <= bindparam("now")
    upsert = insert.values(
        key=bindparam("key"), hits=bindparam("by"), expires_at=bindparam("until")
    )
    return upsert.on_conflict_do_update(
        index_elements=[_TABLE.c.key],
        set_={
            "hits": case((stale, upsert.excluded.hits), else_=_TABLE.c.hits + upsert.excluded.hits),
            "expires_at": case((stale, upsert.excluded.expires_at), else_=_TABLE.c.expires_at),
        },
    ).returning(_TABLE.c.hits)


_HIT = {
    "postgresql": _hit_upsert(postgresql.insert(_TABLE)),
    "sqlite": _hit_upsert(sqlite.insert(_TABLE)),
}


def utcnow() -> datetime:
    """The wall clock, even when ``SOCBOT_NOW`` fixes the bot's: windows must move on."""
    return datetime.now(UTC)


class Shared(Protocol):
    """What the faces and the front door need; each call is atomic across replicas."""

    def claim(self, key: str, ttl: timedelta, value: str = "1") -> bool:
        """Set ``key`` to ``value`` unless it is live; True for the one caller that set it."""

    def put(self, key: str, value: str, ttl: timedelta) -> None:
        """Set ``key`` to ``value`` for ``ttl``, whatever it held."""

    def get(self, key: str) -> str | None:
        """The live value of ``key``, else None."""

    def drop(self, key: str) -> None:
        """Forget ``key`` (a claim given back)."""

    def hit(self, key: str, window: timedelta, by: int = 1) -> int:
        """Count ``by`` more for ``key`` in its fixed window (it starts with the first hit and
        lasts ``window``); the count so far, these included. The numbers each call adds are its
        own: exactly one caller sees the count pass any given value."""

    now: Callable[[], datetime]
    """The wall clock windows and expiries are reckoned on (tests move it by hand)."""


def open_shared(engine: Engine, redis_url: str | None = None) -> Shared:
    """Redis when a URL is given, else the store."""
    if redis_url:
        from socbot.shared_redis import RedisShared

        return RedisShared(redis_url)
    return StoreShared(engine)


class StoreShared:
    """Shared state in the ``sharedstate`` table: each call one short transaction (an upsert)."""

    def __init__(self, engine: Engine, now: Callable[[], datetime] = utcnow):
        self.engine = engine
        self.now = now

    def claim(self, key: str, ttl: timedelta, value: str = "1") -> bool:
        now = self.now()
        insert = self._insert().values(key=key, value=value, hits=0, expires_at=now + ttl)
        upsert = insert.on_conflict_do_update(  # an expired key not yet swept counts as free
            index_elements=[_TABLE.c.key],
            set_={"value": value, "hits": 0, "expires_at": insert.excluded.expires_at},
            where=_TABLE.c.expires_at <= now,
        ).returning(_TABLE.c.key)  # a row back when inserted or taken over; none when live
        with self.engine.begin() as conn:
            taken = conn.execute(upsert).first() is not None
        self._sweep(now)
        return taken

    def put(self, key: str, value: str, ttl: timedelta) -> None:
        now = self.now()
        insert = self._insert().values(key=key, value=value, hits=0, expires_at=now + ttl)
        upsert = insert.on_conflict_do_update(
            index_elements=[_TABLE.c.key],
            set_={"value": value, "hits": 0, "expires_at": insert.excluded.expires_at},
        )
        with self.engine.begin() as conn:
            conn.execute(upsert)
        self._sweep(now)

    def get(self, key: str) -> str | None:
        live = select(_TABLE.c.value).where(_TABLE.c.key == key, _TABLE.c.expires_at > self.now())
        with self.engine.connect() as conn:
            return conn.execute(live).scalar_one_or_none()

    def drop(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(_TABLE).where(_TABLE.c.key == key))

    def hit(self, key: str, window: timedelta, by: int = 1) -> int:
        now = self.now()
        values = {"key": key, "by": by, "now": now, "until": now + window}
        with self.engine.begin() as conn:
            hits = int(conn.execute(_HIT[conn.dialect.name], values).scalar_one())
        self._sweep(now)
        return hits

    def _insert(self) -> postgresql.Insert | sqlite.Insert:
        """An INSERT that can say ON CONFLICT, for the two databases socbot runs on."""
        if self.engine.dialect.name == "postgresql":
            return postgresql.insert(_TABLE)
        return sqlite.insert(_TABLE)

    def _sweep(self, now: datetime) -> None:
        """Delete expired rows a minute after an engine's first use, then once a minute at most
        (each replica sweeps; a sweep is one indexed delete)."""
        with _lock:
            last = _swept.setdefault(self.engine, now)
            if last <= now < last + SWEEP_EVERY:
                return
            _swept[self.engine] = now
        with self.engine.begin() as conn:
            conn.execute(delete(_TABLE).where(_TABLE.c.expires_at <= now))
