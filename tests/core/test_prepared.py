"""Prepared statements give what ``Connection.execute`` gives, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    bindparam,
    event,
    func,
    insert,
    literal,
    literal_column,
    select,
    union_all,
)

from socbot.prepared import Prepared

META = MetaData()
THING = Table(
    "prepared_thing",
    META,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False),
    Column("at", DateTime, nullable=True),
    Column("on", Date, nullable=True),  # a reserved word: quoted on both back ends
    Column("flag", Boolean, nullable=False),
    Column("score", Float, nullable=True),
    Column("amount", Numeric(10, 2), nullable=True),
)
AT = datetime(2027, 3, 3, 9, 0, 30, 123456, tzinfo=UTC)
ROWS = [
    {"name": "plain", "at": AT, "on": date(2027, 3, 3), "flag": True, "score": 12.5,
     "amount": Decimal("3.10")},
    {"name": "100% o'brien", "at": None, "on": None, "flag": False, "score": None,
     "amount": None},
    {"name": "later", "at": datetime(2027, 3, 4, 23, 59, tzinfo=UTC), "on": None, "flag": True,
     "score": 0.1, "amount": Decimal("-7")},
]  # fmt: skip
ADD = insert(THING).values({k: bindparam(k, type_=THING.c[k].type) for k in ROWS[0]})
# what the hot statements use: a repeated parameter, a literal, a typed parameter, a UNION
SINCE = bindparam("since", type_=DateTime)
FOUND = (
    select(
        THING.c.id,
        THING.c.name,
        THING.c.at,
        THING.c.on,
        THING.c.flag.label("is_set"),
        THING.c.score,
        THING.c.amount,
    )
    .where(THING.c.at.is_(None) | (THING.c.at >= SINCE) | (THING.c.at < SINCE))
    .where(THING.c.name != literal("none"))
    .order_by(THING.c.id)
)
COUNTS = union_all(
    select(literal_column("'flagged'"), func.count()).where(THING.c.flag.is_(True)),
    select(literal_column("'dated'"), func.count()).where(
        THING.c.on >= bindparam("day", type_=Date)
    ),
)


@pytest.fixture
def engine(empty_engine):  # type: ignore[no-untyped-def]
    META.create_all(empty_engine)
    return empty_engine


def test_rows_read_back_as_sqlalchemy_reads_them(engine) -> None:  # type: ignore[no-untyped-def]
    add, found, counts = Prepared(ADD), Prepared(FOUND), Prepared(COUNTS)
    with engine.begin() as conn:
        for row in ROWS:
            add.run(conn, row)
        params = {"since": datetime(2027, 3, 3, tzinfo=UTC)}
        ours, theirs = found.all(conn, params), conn.execute(FOUND, params).all()
        assert [tuple(r) for r in ours] == [tuple(r) for r in theirs]
        assert [r.name for r in ours] == ["plain", "100% o'brien", "later"]
        assert ours[0].is_set is True and ours[1].is_set is False
        day = {"day": date(2027, 3, 1)}
        assert [tuple(r) for r in counts.all(conn, day)] == [
            tuple(r) for r in conn.execute(COUNTS, day)
        ]


def test_an_insert_stores_what_sqlalchemy_stores(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        Prepared(ADD).run(conn, ROWS[0])
        conn.execute(ADD, ROWS[0])
        a, b = conn.execute(select(THING).order_by(THING.c.id)).all()
        assert a[1:] == b[1:]


def test_a_rollback_takes_prepared_writes_too(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        conn.begin()
        Prepared(ADD).run(conn, ROWS[0])
        conn.rollback()
        assert conn.execute(select(func.count()).select_from(THING)).scalar() == 0


def test_statements_listened_to_go_through_sqlalchemy(engine) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with engine.begin() as conn:
            Prepared(ADD).run(conn, ROWS[0])
            assert len(Prepared(FOUND).all(conn, {"since": AT})) == 1
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(seen) == 2


def test_an_expanding_in_list_runs_through_sqlalchemy(engine) -> None:  # type: ignore[no-untyped-def]
    stmt = select(THING.c.id, THING.c.name).where(THING.c.id.in_(bindparam("ids", expanding=True)))
    with engine.begin() as conn:
        for row in ROWS:
            Prepared(ADD).run(conn, row)
        ids = [r.id for r in conn.execute(select(THING.c.id).order_by(THING.c.id))]
        found = Prepared(stmt).all(conn, {"ids": ids[1:]})
        assert sorted(r.name for r in found) == ["100% o'brien", "later"]


def test_a_write_begins_a_transaction_that_commit_ends(engine) -> None:  # type: ignore[no-untyped-def]
    """As ``Connection.execute`` does: a write outside a transaction begins one, so the caller's
    commit keeps it (it is not rolled back when the connection goes back to the pool)."""
    with engine.connect() as conn:
        Prepared(ADD).run(conn, ROWS[0])
        assert conn.in_transaction()
        conn.commit()
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(THING)).scalar() == 1
