"""The tactics plugin's own hook: a force adds its local tactics to the menu."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from socbot.registry import Register

hookspec = pluggy.HookspecMarker("socbot")


@hookspec
def register_tactics(register: Register) -> None:
    """Call ``register(entries_or_path)`` to add a force's local tactics to the menu.

    ``entries_or_path`` is a list of dicts or the path of a TOML file; both are validated like
    the built-in catalogue.
    """
