"""Menu of tactics: load and validate the catalogue of disruption tactics (``search`` ranks it).

The catalogue is data (``tactics.toml`` beside this module, plus any force-local files) so that
LROs and partners can extend it without code changes. Everything is validated up front and all
problems are reported together, because a half-loaded menu would silently hide tactics.

This module is deliberately standalone (stdlib only, no ``socbot`` imports) so that it can be
used by plugins, scripts and tests without starting the bot.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "BUILTIN_PATH",
    "CATEGORIES",
    "CATEGORY_LABELS",
    "FIELDS",
    "PHASES",
    "PILLARS",
    "CatalogueError",
    "Tactic",
    "load_catalogue",
    "load_entries",
]

BUILTIN_PATH = Path(__file__).with_name("tactics.toml")

# Order matters: menus list categories in this order (request headings first, then the Ps).
CATEGORY_LABELS: dict[str, str] = {
    "business": "Business",
    "crime": "Crime (criminality)",
    "travel": "Travel",
    "vehicles": "Vehicles",
    "behaviour": "Behaviour",
    "lifestyle": "Lifestyle",
    "enablers": "Enablers and facilitators",
    "prevent-primary": "Prevent: primary",
    "prevent-secondary": "Prevent: secondary",
    "prevent-tertiary": "Prevent: tertiary",
    "protect": "Protect",
    "prepare": "Prepare",
}
CATEGORIES: tuple[str, ...] = tuple(CATEGORY_LABELS)

PILLARS: tuple[str, ...] = ("pursue", "prevent", "protect", "prepare")

# Clear removes and disrupts the OCG, Hold stops others filling the vacuum, Build grows
# community resilience (LRO guidance, section G).
PHASES: tuple[str, ...] = ("clear", "hold", "build")

# Categories that belong to one pillar only; the request categories can serve any pillar.
_CATEGORY_PILLAR: dict[str, str] = {
    "prevent-primary": "prevent",
    "prevent-secondary": "prevent",
    "prevent-tertiary": "prevent",
    "protect": "protect",
    "prepare": "prepare",
}

_STRING_FIELDS: tuple[str, ...] = (
    "id",
    "category",
    "title",
    "summary",
    "power",
    "lead",
    "ask",
    "pillar",
    "source",
)
_LIST_FIELDS: tuple[str, ...] = ("phases", "keywords")
FIELDS: tuple[str, ...] = (*_STRING_FIELDS, *_LIST_FIELDS)
_MAY_BE_EMPTY = frozenset({"power"})

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ID_MAX = 48


@dataclass(frozen=True)
class Tactic:
    """One entry on the menu of tactics; immutable so it can be shared and cached safely."""

    id: str
    category: str
    title: str
    summary: str
    power: str
    lead: str
    ask: str
    pillar: str
    phases: tuple[str, ...]
    keywords: tuple[str, ...]
    source: str
    origin: str

    @property
    def category_label(self) -> str:
        """Human label for the category, for menus and cards."""
        return CATEGORY_LABELS.get(self.category, self.category)


class CatalogueError(ValueError):
    """Raised when catalogue data is invalid; ``problems`` lists every issue found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: list[str] = list(problems)
        if len(self.problems) == 1:
            message = self.problems[0]
        else:
            lines = "\n".join(f"- {p}" for p in self.problems)
            message = f"{len(self.problems)} problems in the tactics catalogue:\n{lines}"
        super().__init__(message)


# --------------------------------------------------------------------------------------------
# Loading and validation
# --------------------------------------------------------------------------------------------


def _one_of(allowed: Iterable[str]) -> str:
    return ", ".join(allowed)


def _validate_entry(entry: Any, index: int, origin: str, problems: list[str]) -> Tactic | None:
    """Check one raw entry; append problems and return a Tactic only when it is clean."""
    if not isinstance(entry, Mapping):
        problems.append(f"{origin}: entry #{index}: must be a table (got {type(entry).__name__})")
        return None

    raw_id = entry.get("id")
    if isinstance(raw_id, str) and raw_id.strip():
        where = f"{origin}: entry {raw_id!r}"
    else:
        where = f"{origin}: entry #{index}"
    before = len(problems)

    def bad(field: str, expected: str) -> None:
        problems.append(f"{where}: field {field!r} {expected}")

    for key in sorted(str(k) for k in entry if k not in FIELDS):
        bad(str(key), f"is not allowed (allowed fields: {_one_of(FIELDS)})")

    values: dict[str, Any] = {}
    for field in _STRING_FIELDS:
        if field not in entry:
            bad(field, "is missing")
            continue
        value = entry[field]
        if not isinstance(value, str):
            bad(field, f"must be a string (got {type(value).__name__})")
        elif not value.strip() and field not in _MAY_BE_EMPTY:
            bad(field, "must not be empty")
        else:
            values[field] = value.strip()

    for field in _LIST_FIELDS:
        if field not in entry:
            bad(field, "is missing")
            continue
        value = entry[field]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            bad(field, f"must be a list of strings (got {value!r})")
        elif not value or not all(v.strip() for v in value):
            bad(field, "must be a non-empty list of non-empty strings")
        else:
            values[field] = tuple(v.strip() for v in value)

    tactic_id = values.get("id")
    if tactic_id is not None and (len(tactic_id) > _ID_MAX or not _ID_RE.match(tactic_id)):
        bad(
            "id",
            f"must be a slug of lowercase letters, digits and single hyphens, at most {_ID_MAX}"
            f" characters (got {tactic_id!r})",
        )

    category = values.get("category")
    if category is not None and category not in CATEGORIES:
        bad("category", f"must be one of {_one_of(CATEGORIES)} (got {category!r})")

    pillar = values.get("pillar")
    if pillar is not None and pillar not in PILLARS:
        bad("pillar", f"must be one of {_one_of(PILLARS)} (got {pillar!r})")
    elif pillar is not None and category in _CATEGORY_PILLAR:
        wanted = _CATEGORY_PILLAR[category]
        if pillar != wanted:
            bad("pillar", f"must be {wanted!r} for category {category!r} (got {pillar!r})")

    phases = values.get("phases")
    if phases is not None:
        wrong = [p for p in phases if p not in PHASES]
        if wrong:
            got = ", ".join(map(repr, wrong))
            bad("phases", f"must only contain {_one_of(PHASES)} (got {got})")
        elif len(set(phases)) != len(phases):
            bad("phases", f"must not repeat a phase (got {list(phases)!r})")
        else:
            values["phases"] = tuple(p for p in PHASES if p in phases)

    if len(problems) != before:
        return None
    return Tactic(origin=origin, **values)


def _check_entries(
    entries: Any, origin: str, seen: dict[str, str], problems: list[str]
) -> list[Tactic]:
    """Validate a list of raw entries and refuse ids already defined (``seen``: id -> origin)."""
    if not isinstance(entries, list):
        problems.append(f"{origin}: 'tactic' must be an array of tables ([[tactic]])")
        return []
    tactics: list[Tactic] = []
    for index, entry in enumerate(entries, start=1):
        tactic = _validate_entry(entry, index, origin, problems)
        if tactic is None:
            continue
        if tactic.id in seen:
            problems.append(
                f"{origin}: entry {tactic.id!r}: field 'id' must be unique"
                f" (already defined in {seen[tactic.id]})"
            )
            continue
        seen[tactic.id] = origin
        tactics.append(tactic)
    return tactics


def _read_file(path: Path, problems: list[str]) -> Any:
    """Parse one TOML file; return its ``tactic`` list, or None when it cannot be used."""
    origin = path.name
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        problems.append(f"{origin}: file not found ({path})")
        return None
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{origin}: not valid TOML: {exc}")
        return None
    except OSError as exc:
        problems.append(f"{origin}: cannot be read: {exc}")
        return None
    for key in sorted(k for k in data if k != "tactic"):
        problems.append(f"{origin}: top-level key {key!r} is not allowed (only [[tactic]] tables)")
    if "tactic" not in data:
        problems.append(f"{origin}: has no [[tactic]] entries")
        return None
    return data["tactic"]


def load_entries(
    entries: list[dict[str, Any]],
    origin: str,
    *,
    existing: Iterable[Tactic] = (),
) -> list[Tactic]:
    """Validate entries a plugin supplies from Python exactly as if they came from a file.

    ``existing`` lets the caller refuse ids that clash with an already loaded catalogue.
    """
    problems: list[str] = []
    seen = {t.id: t.origin for t in existing}
    tactics = _check_entries(entries, origin, seen, problems)
    if problems:
        raise CatalogueError(problems)
    return tactics


def load_catalogue(*paths: Path | str, builtin: bool = True) -> list[Tactic]:
    """Load the built-in catalogue plus any extra files (e.g. a force's local tactics).

    With no arguments this is just the built-in ``tactics.toml``. Extra paths add to it; the
    built-in file is never loaded twice. Pass ``builtin=False`` to load only the given files.
    Every problem in every file is collected and raised together as one CatalogueError.
    """
    files: list[Path] = [BUILTIN_PATH] if builtin else []
    for item in paths:
        path = Path(item)
        if not any(_same_file(path, f) for f in files):
            files.append(path)

    problems: list[str] = []
    seen: dict[str, str] = {}
    tactics: list[Tactic] = []
    for path in files:
        entries = _read_file(path, problems)
        if entries is not None:
            tactics.extend(_check_entries(entries, path.name, seen, problems))
    if problems:
        raise CatalogueError(problems)
    return tactics


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b
