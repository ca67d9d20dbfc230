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
from typing import Any, Protocol

from sqlalchemy import Engine, Insert, Table, bindparam, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from socbot.store.models import SharedState

SWEEP_EVERY = timedelta(minutes=1)
_TABLE: Table = SharedState.__table__  # type: ignore[attr-defined]
_swept: weakref.WeakKeyDictionary[Engine, datetime] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _hit_upsert(insert: postgresql.Insert | sqlite.Insert) -> Insert:
    """``hits`` plus ``:by`` in a live window, else a new window of ``:by`` ending ``:until``."""
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


def _set_upsert(insert: postgresql.Insert | sqlite.Insert, *, only_stale: bool) -> Insert:
    """``:key`` set to ``:value`` until ``:until``: always (``put``), or unless it is live
    (``claim``: a row back when inserted or taken over, none when live; an expired key not yet
    swept counts as free)."""
    upsert = insert.values(
        key=bindparam("key"), value=bindparam("value"), hits=0, expires_at=bindparam("until")
    )
    excluded = upsert.excluded
    done = upsert.on_conflict_do_update(
        index_elements=[_TABLE.c.key],
        set_={"value": excluded.value, "hits": 0, "expires_at": excluded.expires_at},
        where=(_TABLE.c.expires_at <= bindparam("now")) if only_stale else None,
    )
    return done.returning(_TABLE.c.key) if only_stale else done


# Each statement built once per dialect with bind parameters: building one per call (and its
# cache key) took longer than running it.
_HIT = {
    "postgresql": _hit_upsert(postgresql.insert(_TABLE)),
    "sqlite": _hit_upsert(sqlite.insert(_TABLE)),
}
_CLAIM = {
    "postgresql": _set_upsert(postgresql.insert(_TABLE), only_stale=True),
    "sqlite": _set_upsert(sqlite.insert(_TABLE), only_stale=True),
}
_PUT = {
    "postgresql": _set_upsert(postgresql.insert(_TABLE), only_stale=False),
    "sqlite": _set_upsert(sqlite.insert(_TABLE), only_stale=False),
}
_GET = select(_TABLE.c.value).where(
    _TABLE.c.key == bindparam("key"), _TABLE.c.expires_at > bindparam("now")
)
_DROP = delete(_TABLE).where(_TABLE.c.key == bindparam("key"))
_SWEEP = delete(_TABLE).where(_TABLE.c.expires_at <= bindparam("now"))


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
    """Shared state in the ``sharedstate`` table: each call one statement, committed by itself.

    Every call is a single atomic statement, so it runs in autocommit: one round trip, where a
    transaction around it took three (BEGIN, the statement, COMMIT), for every request's replay
    key. Same connection pool as the store."""

    def __init__(self, engine: Engine, now: Callable[[], datetime] = utcnow):
        self.engine = engine
        self.now = now
        self._auto = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._dialect = engine.dialect.name

    def _run(self, statements: dict[str, Any] | Any, values: dict[str, Any]) -> Any:
        statement = statements[self._dialect] if isinstance(statements, dict) else statements
        with self._auto.connect() as conn:
            return conn.execute(statement, values).first()

    def claim(self, key: str, ttl: timedelta, value: str = "1") -> bool:
        now = self.now()
        row = self._run(_CLAIM, {"key": key, "value": value, "until": now + ttl, "now": now})
        self._sweep(now)
        return row is not None

    def put(self, key: str, value: str, ttl: timedelta) -> None:
        now = self.now()
        with self._auto.connect() as conn:
            conn.execute(_PUT[self._dialect], {"key": key, "value": value, "until": now + ttl})
        self._sweep(now)

    def get(self, key: str) -> str | None:
        row = self._run(_GET, {"key": key, "now": self.now()})
        return None if row is None else row[0]

    def drop(self, key: str) -> None:
        with self._auto.connect() as conn:
            conn.execute(_DROP, {"key": key})

    def hit(self, key: str, window: timedelta, by: int = 1) -> int:
        now = self.now()
        row = self._run(_HIT, {"key": key, "by": by, "now": now, "until": now + window})
        self._sweep(now)
        return int(row[0])

    def _sweep(self, now: datetime) -> None:
        """Delete expired rows a minute after an engine's first use, then once a minute at most
        (each replica sweeps; a sweep is one indexed delete)."""
        with _lock:
            last = _swept.setdefault(self.engine, now)
            if last <= now < last + SWEEP_EVERY:
                return
            _swept[self.engine] = now
        with self._auto.connect() as conn:
            conn.execute(_SWEEP, {"now": now})
