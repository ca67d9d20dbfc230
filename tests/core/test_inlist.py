"""``IN`` lists padded to a few lengths, so a sweep's queries are a dozen statements to the
database, not one per length (each prepared and kept by the driver)."""

from __future__ import annotations

from sqlalchemy import event
from sqlmodel import Session, col, select

from socbot.inlist import chunks, padded
from socbot.store.models import Person


def test_a_list_is_padded_to_a_power_of_two_then_to_a_multiple_of_1024() -> None:
    assert padded([]) == []
    assert padded([5]) == [5] * 8
    for n in (1, 7, 8, 9, 100, 1000, 1024):
        found = padded(range(n))
        assert len(found) >= max(n, 8) and len(found) & (len(found) - 1) == 0
        assert len(found) < 2 * max(n, 8) and set(found) == set(range(n))
    for n in (1025, 5000, 40_000):  # doubling 40,000 would pass PostgreSQL's 65,535 parameters
        found = padded(range(n))
        assert len(found) % 1024 == 0 and n <= len(found) < n + 1024
        assert set(found) == set(range(n))


def test_a_long_list_comes_in_padded_chunks_of_at_most_5000() -> None:
    pieces = list(chunks(range(12_000)))
    assert [len(p) for p in pieces] == [5120, 5120, 2048]
    assert set().union(*pieces) == set(range(12_000)) and list(chunks([])) == []


def test_three_hundred_lengths_of_list_are_seven_statements(engine) -> None:  # type: ignore[no-untyped-def]
    seen: set[str] = set()

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.add(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        with Session(engine) as session:
            for n in range(1, 301):
                wanted = list(range(1, n + 1))
                found = session.exec(select(Person.id).where(col(Person.id).in_(padded(wanted))))
                assert set(found.all()) <= set(wanted)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(seen) == 7  # 8, 16, 32, 64, 128, 256 and 512 placeholders
