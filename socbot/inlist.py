"""Lists of values for ``IN (...)``, padded to a few lengths.

Each length of an ``IN`` list is its own statement to the database: SQLite's driver keeps the
last 128 prepared per connection, psycopg prepares a statement run often per text. A sweep asking
for 1,837 OCGs, then 1,902, then 1,911, filled that cache with statements of thousands of
placeholders: a national nudge sweep grew by 10 MB that Python's own accounting never showed.
Padded to the next power of two (the last value repeated: ``IN`` is a set), a query has a dozen
shapes at most.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")
SMALLEST = 8


def padded(values: Iterable[T]) -> list[T]:
    """``values`` as a list whose length is a power of two (at least ``SMALLEST``); empty
    stays empty."""
    found = list(values)
    if not found:
        return found
    size = max(SMALLEST, 1 << (len(found) - 1).bit_length())
    return found + [found[-1]] * (size - len(found))
