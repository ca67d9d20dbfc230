"""What plugins register: commands, forms, jobs and CLI sub-commands."""

from __future__ import annotations

from argparse import ArgumentParser, Namespace
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

from socbot.model import Command, Form, Reply

if TYPE_CHECKING:
    from socbot.bot import Bot
    from socbot.context import Context

Register = Callable[[Any], None]
Handler = Callable[["Context", Command], Reply]


@dataclass(frozen=True)
class CommandSpec:
    """A chat command. ``permission`` is a key of ``socbot.access.MATRIX``."""

    name: str
    handler: Handler
    summary: str
    usage: str = ""
    examples: tuple[str, ...] = ()
    permission: str = "ocg.read"
    details: str = ""
    writes: bool = False  # a write: answered after the ack on Slack, never from a cache
    aliases: tuple[str, ...] = ()
    plugin: str = ""


@dataclass(frozen=True)
class FormSpec:
    """A form: ``build(ctx, payload)`` lays it out; ``submit(values)`` makes it a Command."""

    name: str
    build: Callable[[Context, dict[str, str]], Form]
    submit: Callable[[dict[str, str]], Command]
    permission: str = "ocg.read"


@dataclass(frozen=True)
class Job:
    """A scheduled job. ``run(ctx, dry_run)`` returns lines describing what it decided."""

    name: str
    run: Callable[[Context, bool], list[str]]
    summary: str
    every_minutes: int = 15
    working_hours_only: bool = True


@dataclass(frozen=True)
class CliCommand:
    """A ``socbot NAME`` sub-command contributed by a plugin."""

    name: str
    help: str
    configure: Callable[[ArgumentParser], None]
    run: Callable[[Bot, Namespace], int]
    subcommands: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Permission:
    """A permission: what it lets people do, and each role's reach (``any`` OCG or ``own``)."""

    name: str
    description: str
    grants: dict[str, str] = field(default_factory=dict)
    plugin: str = ""


@dataclass(frozen=True)
class Tables:
    """The tables a plugin owns and the folder of its alembic versions (its own branch)."""

    models: tuple[type, ...] = ()
    migrations: Path | None = None
    plugin: str = ""


@dataclass(frozen=True)
class PluginSettings:
    """A plugin's settings: a pydantic-settings model read from SOCBOT_PLUGIN__<NAME>__<KEY>.

    ``renamed`` maps an old environment variable to the key it became: still read (when the new
    one is unset) with a deprecation warning, so an upgrade never silently drops a setting.
    """

    name: str
    model: type
    plugin: str = ""
    renamed: Mapping[str, str] = field(default_factory=dict)


class PluginError(RuntimeError):
    """A plugin set-up error found at start (e.g. two plugins claiming one command)."""


def collect(pm: pluggy.PluginManager, hook: str, kind: type) -> list:  # type: ignore[type-arg]
    """Call ``hook``'s implementations one by one with a ``register`` callback that checks the
    type, so an error can name the plugin. Returns ``(plugin name, item)`` pairs."""
    found: list = []  # type: ignore[type-arg]
    for impl in getattr(pm.hook, hook).get_hookimpls():

        def register(item: object, plugin: str = impl.plugin_name) -> None:
            if not isinstance(item, kind):
                raise PluginError(f"plugin {plugin} registered {item!r}, expected {kind.__name__}")
            found.append((plugin, item))

        impl.function(register)
    return found
