"""The shared state in the store: every call is one statement that commits by itself (a replay
key is claimed on every Slack request, so a transaction around it was two more round trips), and
what one call writes is there for the next caller at once, on any connection."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event

from socbot.shared_state import StoreShared

START = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)
TTL = timedelta(minutes=10)


class Wall:
    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> datetime:
        return self.at


def autocommit(dbapi: Any) -> bool:
    """Whether the driver commits each statement itself (no BEGIN sent, no COMMIT needed)."""
    if isinstance(dbapi, sqlite3.Connection):
        return dbapi.isolation_level is None
    return bool(dbapi.autocommit)


@contextmanager
def sent(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent to the database inside the block (``in a transaction`` for one the
    driver wraps in BEGIN), and COMMIT."""
    seen: list[str] = []

    def statement(conn, _cursor, text, *_args) -> None:  # type: ignore[no-untyped-def]
        alone = autocommit(conn.connection.dbapi_connection)
        seen.append(text.split()[0].upper() + ("" if alone else " in a transaction"))

    def commit(_conn) -> None:  # type: ignore[no-untyped-def]
        seen.append("COMMIT")

    hooks = [("before_cursor_execute", statement), ("commit", commit)]
    for name, hook in hooks:
        event.listen(engine, name, hook)
    try:
        yield seen
    finally:
        for name, hook in hooks:
            event.remove(engine, name, hook)


def test_each_call_is_one_statement_without_a_transaction(any_engine: Engine) -> None:
    shared = StoreShared(any_engine, now=Wall())
    with sent(any_engine) as seen:
        assert shared.claim("slack:sig1", TTL)
    assert seen == ["INSERT"]
    with sent(any_engine) as seen:
        assert shared.hit("rate:slack:U1", timedelta(minutes=1)) == 1
        shared.put("origin:1", "{}", TTL)
        assert shared.get("origin:1") == "{}"
        shared.drop("origin:1")
    assert seen == ["INSERT", "INSERT", "SELECT", "DELETE"]


def test_a_claim_is_seen_at_once_by_another_replica(any_engine: Engine) -> None:
    wall = Wall()
    one, other = StoreShared(any_engine, now=wall), StoreShared(any_engine, now=wall)
    assert one.claim("slack:sig2", TTL)
    assert not other.claim("slack:sig2", TTL)  # a replay on the other replica
    assert not one.claim("slack:sig2", TTL)
    wall.at += TTL  # expired, not yet swept: free again, for exactly one caller
    assert other.claim("slack:sig2", TTL)
    assert not one.claim("slack:sig2", TTL)


def test_put_get_drop_and_hits_across_replicas(any_engine: Engine) -> None:
    wall = Wall()
    one, other = StoreShared(any_engine, now=wall), StoreShared(any_engine, now=wall)
    one.put("origin:7", "first", TTL)
    other.put("origin:7", "second", TTL)
    assert one.get("origin:7") == "second"
    other.drop("origin:7")
    assert one.get("origin:7") is None
    assert one.hit("rate:k", timedelta(minutes=1), 2) == 2
    assert other.hit("rate:k", timedelta(minutes=1)) == 3
    wall.at += timedelta(minutes=1)  # a new window starts from this hit
    assert other.hit("rate:k", timedelta(minutes=1)) == 1
