"""Every hook a socbot plugin can implement, in one place.

Collection hooks hand the plugin a ``register`` callback, so one plugin can add several things
without returning lists. Hooks are called on a fresh plugin manager per bot (no globals).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from socbot.bot import Bot
    from socbot.context import Context
    from socbot.outbox import Delivery, Outgoing
    from socbot.registry import Register

hookspec = pluggy.HookspecMarker("socbot")
hookimpl = pluggy.HookimplMarker("socbot")


@hookspec
def register_commands(register: Register) -> None:
    """Call ``register(CommandSpec(...))`` for each chat command this plugin adds.

    A spec names the verb, its usage and examples, and the permission it needs (see
    ``socbot.access.MATRIX``). Two plugins registering one verb stop the bot at start.
    """


@hookspec
def register_forms(register: Register) -> None:
    """Call ``register(FormSpec(...))`` for each form (Slack modal, Teams card) this plugin adds.

    A form's submission is turned into a ``Command`` by the spec and dispatched like typed text.
    """


@hookspec
def register_jobs(register: Register) -> None:
    """Call ``register(Job(...))`` for each scheduled job (review alerts, nudges, digests).

    Jobs run in the serving process on a schedule and on the CLI with ``socbot jobs run NAME``.
    """


@hookspec
def register_cli(register: Register) -> None:
    """Call ``register(CliCommand(...))`` to add a ``socbot`` sub-command (import, export...)."""


@hookspec
def register_tactics(register: Register) -> None:
    """Call ``register(entries_or_path)`` to add a force's local tactics to the menu.

    ``entries_or_path`` is a list of dicts or the path of a TOML file; both are validated like
    the built-in catalogue.
    """


@hookspec
def startup(bot: Bot) -> None:
    """Called once when a ``Bot`` is built, after every plugin's commands are registered.

    Load and check a plugin's own data here (e.g. local tactics files) and raise
    ``PluginError`` so that a mistake stops the bot at start rather than on first use.
    """


@hookspec(firstresult=True)
def deliver_message(message: Outgoing) -> Delivery | None:
    """Send one outbox message through a face that can reach its recipient.

    Faces implement this; the first one that returns a ``Delivery`` (sent or failed) wins.
    Return ``None`` when this face cannot reach the person at all.
    """


@hookspec
def on_recorded(ctx: Context, kind: str, record: Any) -> None:
    """Called inside the command's transaction after an action, disruption, review (``kind``)
    or other record is written, so plugins can react (e.g. link a disruption to an action).
    Raising ``CommandError`` here rolls the whole command back.
    """
