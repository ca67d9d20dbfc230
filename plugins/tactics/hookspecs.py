"""The tactics plugin's own hooks: a force adds its local tactics; anyone reads the menu."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from socbot.registry import Register

    from .registry import Catalogue

hookspec = pluggy.HookspecMarker("socbot")


@hookspec
def register_tactics(register: Register) -> None:
    """Call ``register(entries_or_path)`` to add a force's local tactics to the menu.

    ``entries_or_path`` is a list of dicts or the path of a TOML file; both are validated like
    the built-in catalogue.
    """


@hookspec(firstresult=True)
def tactics_menu() -> Catalogue | None:
    """The bot's validated menu, built-in plus local tactics: ``ctx.hooks.tactics_menu()``.

    Answered by the tactics plugin once the bot has started; do not implement it yourself.
    """
