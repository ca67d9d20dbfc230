"""A cell written to a CSV a person opens in a spreadsheet: never a live formula."""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Make text inert in a spreadsheet: ``=HYPERLINK(...)`` becomes ``'=HYPERLINK(...)``."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
