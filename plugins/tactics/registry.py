"""The menu of tactics a bot serves: the built-in catalogue plus a force's local tactics.

Local tactics come from ``SOCBOT_PLUGIN__TACTICS__FILES`` (comma-separated TOML files) and from
plugins implementing ``register_tactics``. Everything is validated together once per plugin manager
and cached, so commands never re-read files and a bad entry stops the bot at start.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, cast
from weakref import WeakKeyDictionary

import pluggy

from socbot.plugin_settings import read_plugin_settings
from socbot.registry import PluginError

from .catalogue import (
    CATEGORIES,
    CatalogueError,
    Tactic,
    load_catalogue,
    load_entries,
)
from .settings import SETTINGS, TacticsSettings

_BY_MANAGER: WeakKeyDictionary[pluggy.PluginManager, Catalogue] = WeakKeyDictionary()


@dataclass(frozen=True)
class Catalogue:
    """Validated tactics in menu order, indexed by id and by category."""

    tactics: tuple[Tactic, ...]
    by_id: dict[str, Tactic] = field(init=False, repr=False)
    by_category: dict[str, tuple[Tactic, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_id = {t.id: t for t in self.tactics}
        grouped = {c: tuple(t for t in self.tactics if t.category == c) for c in CATEGORIES}
        object.__setattr__(self, "by_id", by_id)
        object.__setattr__(self, "by_category", grouped)

    def get(self, tactic_id: str) -> Tactic | None:
        """The tactic with this id (case-insensitive), or None."""
        return self.by_id.get(tactic_id.strip().lower())

    def __iter__(self) -> Iterator[Tactic]:
        return iter(self.tactics)

    def __len__(self) -> int:
        return len(self.tactics)

    def __contains__(self, tactic_id: object) -> bool:
        return isinstance(tactic_id, str) and self.get(tactic_id) is not None


def menu_for(pm: pluggy.PluginManager | None = None, files: str | None = None) -> Catalogue:
    """Built-in plus local tactics, loaded and validated once per plugin manager.

    ``files`` (comma-separated TOML paths) defaults to ``SOCBOT_PLUGIN__TACTICS__FILES``; it is only
    read the first time a manager asks, since a bot's settings do not change while it runs.
    Raises ``PluginError`` listing every problem (with entry id and field) when anything is bad.
    """
    if files is None:
        files = cast(TacticsSettings, read_plugin_settings(SETTINGS)).files
    paths = tuple(p.strip() for p in (files or "").split(",") if p.strip())
    if pm is None:
        return _files_only(paths)
    found = _BY_MANAGER.get(pm)
    if found is None:
        found = _BY_MANAGER[pm] = _build(paths, _from_plugins(pm))
    return found


@cache
def _files_only(paths: tuple[str, ...]) -> Catalogue:
    return _build(paths, [])


def _from_plugins(pm: pluggy.PluginManager) -> list[tuple[str, Any]]:
    """What each ``register_tactics`` implementation registers, labelled with its plugin."""
    found: list[tuple[str, Any]] = []
    for impl in pm.hook.register_tactics.get_hookimpls():

        def register(item: Any, plugin: str = impl.plugin_name) -> None:
            found.append((plugin, item))

        impl.function(register)
    return found


def _build(paths: tuple[str, ...], registered: list[tuple[str, Any]]) -> Catalogue:
    """Validate every source and report all the problems at once."""
    problems: list[str] = []
    files = [Path(p) for p in paths]
    lists: list[tuple[str, Any]] = []
    for plugin, item in registered:
        if isinstance(item, str | Path):
            files.append(Path(item))
        elif isinstance(item, list):
            lists.append((f"plugin {plugin}", item))
        else:
            problems.append(
                f"plugin {plugin}: register_tactics takes a list of dicts or the path of a TOML "
                f"file (got {type(item).__name__})"
            )
    try:
        tactics = load_catalogue(*files)
    except CatalogueError as exc:
        problems.extend(exc.problems)
        tactics = list(_files_only(()).tactics) if files else []
    for origin, entries in lists:
        try:
            tactics.extend(load_entries(entries, origin, existing=tactics))
        except CatalogueError as exc:
            problems.extend(exc.problems)
    if problems:
        listed = "\n".join(f"- {p}" for p in problems)
        raise PluginError(f"The menu of tactics has problems; fix them and restart:\n{listed}")
    return Catalogue(tuple(tactics))
