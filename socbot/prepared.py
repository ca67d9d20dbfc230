"""Statements every command runs, compiled once per dialect and run on the driver's cursor.

SQLAlchemy spends 40-60 us around each statement it executes (the cache key, an execution
context, parameter and result processing, a result object), against 10-15 us for the query itself
on a cached SQLite store: for the actor, the audit row and ``status``'s queries that was a fifth of
the command. A ``Prepared`` statement is built with SQLAlchemy as usual; it is compiled once per
dialect, and each parameter and result column still goes through its type's own bind and result
processor, so the values sent and read back are those ``Connection.execute`` gives (a test holds
the two together on both back ends). It runs inside the caller's transaction, on the same
connection. When anything listens to the engine's statements (``before_cursor_execute``, as tests
counting queries do) or the engine echoes SQL, it runs through ``Connection.execute`` instead, so
nothing is hidden from them.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.sql import Executable

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Plan:
    """One statement compiled for one dialect."""

    sql: str
    positional: bool
    names: tuple[str, ...]  # parameter names in the order the SQL takes them (repeats included)
    sent_as: dict[str, str]  # name -> the name the SQL uses (named paramstyles escape some)
    defaults: dict[str, Any]  # values the statement carries itself (``literal``)
    binds: dict[str, Processor]
    types: tuple[Any, ...]  # each result column's type, for this dialect
    row: Any  # a namedtuple class: rows read by name as SQLAlchemy's do
    expanding: bool = False  # an ``IN`` list rendered per call: run by SQLAlchemy


class Prepared:
    """A Core statement (a select or an insert) run with little overhead. One with an expanding
    ``IN`` list runs through ``Connection.execute``, which renders the list on each call."""

    def __init__(self, statement: Executable):
        self.statement = statement
        self._plans: dict[str, _Plan] = {}
        # result processors, by dialect: known once the driver has described the columns
        # (PostgreSQL's numeric types need the type the server sends)
        self._results: dict[str, tuple[Processor, ...]] = {}

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            plan = self._plans[dialect.name] = _compile(self.statement, dialect)
        return plan

    def all(self, conn: Connection, params: Mapping[str, Any]) -> list[Any]:
        """The rows, as named tuples (``row.handle``, ``row[0]``)."""
        plan = self._plan(conn.dialect)
        if plan.expanding or _watched(conn):
            return list(conn.execute(self.statement, dict(params)))
        cursor = _run(conn, plan, params)
        try:
            found = cursor.fetchall()
            results = self._results.get(conn.dialect.name)
            if results is None:
                results = self._results[conn.dialect.name] = _processors(plan, conn, cursor)
        finally:
            cursor.close()
        make = plan.row._make
        if not any(results):
            return [make(r) for r in found]
        return [make([f(v) if f else v for f, v in zip(results, r, strict=True)]) for r in found]

    def run(self, conn: Connection, params: Mapping[str, Any]) -> None:
        """Run a statement that returns nothing (an insert)."""
        plan = self._plan(conn.dialect)
        if plan.expanding or _watched(conn):
            conn.execute(self.statement, dict(params))
            return
        _run(conn, plan, params).close()


def _watched(conn: Connection) -> bool:
    """Someone sees every statement the engine runs: let them see these too. (``_has_events``
    is SQLAlchemy's own quick test, set once a statement listener was ever added.)"""
    engine = conn.engine
    if engine.echo:
        return True
    if not (conn._has_events or engine._has_events):
        return False
    dispatch = conn.dispatch
    return bool(dispatch.before_cursor_execute or dispatch.after_cursor_execute)


def _run(conn: Connection, plan: _Plan, params: Mapping[str, Any]) -> Any:
    if not conn.in_transaction():  # as Connection.execute begins one, so a commit ends it
        conn.begin()
    values = {**plan.defaults, **params}
    binds = plan.binds
    sent: Any
    if plan.positional:
        sent = tuple(
            binds[n](values[n]) if binds[n] else values[n]  # type: ignore[misc]
            for n in plan.names
        )
    else:
        sent = {
            plan.sent_as[n]: binds[n](values[n]) if binds[n] else values[n]  # type: ignore[misc]
            for n in plan.names
        }
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        cursor.execute(plan.sql, sent)
    except Exception as error:
        cursor.close()
        # as SQLAlchemy does: a connection the server dropped is not given back to the pool
        if isinstance(error, conn.dialect.loaded_dbapi.Error) and conn.dialect.is_disconnect(
            error, conn.connection, cursor
        ):
            conn.invalidate(error)
        raise
    return cursor


def _processors(plan: _Plan, conn: Connection, cursor: Any) -> tuple[Processor, ...]:
    described = cursor.description or ()
    return tuple(
        kind.result_processor(conn.dialect, column[1])
        for kind, column in zip(plan.types, described, strict=True)
    )


def _compile(statement: Any, dialect: Dialect) -> _Plan:
    compiled: Any = statement.compile(dialect=dialect)
    expanding = bool(compiled.post_compile_params or compiled.literal_execute_params)
    binds = {name: bp for name, bp in compiled.binds.items()}
    names = tuple(compiled.positiontup) if compiled.positional else tuple(binds)
    escaped = compiled.escaped_bind_names or {}
    columns = list(getattr(statement, "selected_columns", ()))
    keys = [getattr(c, "key", None) or f"_{i}" for i, c in enumerate(columns)]
    return _Plan(
        sql=compiled.string,
        positional=bool(compiled.positional),
        names=names,
        sent_as={n: escaped.get(n, n) for n in binds},
        defaults={n: bp.effective_value for n, bp in binds.items() if not bp.required},
        binds={n: bp.type.dialect_impl(dialect).bind_processor(dialect) for n, bp in binds.items()},
        types=tuple(c.type.dialect_impl(dialect) for c in columns),
        row=namedtuple("Row", keys, rename=True),  # type: ignore[misc]
        expanding=expanding,
    )
