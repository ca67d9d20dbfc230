"""Lists of values for ``IN (...)``, padded to a few lengths.

Each length of an ``IN`` list is its own statement to the database: SQLite's driver keeps the
last 128 prepared per connection, psycopg prepares a statement run often per text. A sweep asking
for 1,837 OCGs, then 1,902, then 1,911, filled that cache with statements of thousands of
placeholders: a national nudge sweep grew by 10 MB that Python's own accounting never showed.
Padded to the next power of two up to 1,024, and to the next multiple of 1,024 beyond (the last
value repeated: ``IN`` is a set), a query has a few shapes. Long lists are still split by their
callers: PostgreSQL takes at most 65,535 parameters a statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
SMALLEST = 8
CHUNK = 5000  # values a statement, at most
STEP = 1024  # past this, lengths go up in steps of it: doubling 40,000 ids would pass
# PostgreSQL's 65,535 parameters a statement


def padded(values: Iterable[T]) -> list[T]:
    """``values`` as a list whose length is a power of two up to ``STEP`` (at least
    ``SMALLEST``), a multiple of ``STEP`` beyond; empty stays empty."""
    found = list(values)
    if not found:
        return found
    n = len(found)
    size = max(SMALLEST, 1 << (n - 1).bit_length()) if n <= STEP else -(-n // STEP) * STEP
    return found + [found[-1]] * (size - n)


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """``values`` in lists of at most ``size``, each ``padded``: one ``IN`` each."""
    found = list(values)
    for start in range(0, len(found), size):
        yield padded(found[start : start + size])
