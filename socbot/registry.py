"""What plugins register (commands, forms, jobs, CLI sub-commands...), how it is collected, and
``BotApi``: what a plugin may use of the running bot."""

from __future__ import annotations

from argparse import ArgumentParser, Namespace
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload

import pluggy

from socbot.access import Access
from socbot.access import Permission as Permission  # defined beside the rules that read it
from socbot.model import Command, Form, Reply

if TYPE_CHECKING:
    import pluggy
    from pydantic_settings import BaseSettings
    from sqlalchemy import Engine
    from sqlmodel import Session

    from socbot.access import Actor
    from socbot.clock import Clock
    from socbot.config import Settings
    from socbot.context import Context

Register = Callable[[Any], None]
Handler = Callable[["Context", Command], Reply]


@dataclass(frozen=True)
class CommandSpec:
    """A chat command. ``permission`` names one a plugin registers (``register_permissions``)."""

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
    """A scheduled job. ``run(ctx, dry_run)`` returns lines describing what it decided, or yields
    them a batch at a time: each batch is committed before the next begins (a sweep over thousands
    of people holds no long transaction and keeps only one batch in memory)."""

    name: str
    run: Callable[[Context, bool], list[str] | Iterator[list[str]]]
    summary: str
    every_minutes: int = 15
    working_hours_only: bool = True


@dataclass(frozen=True)
class CliCommand:
    """A ``socbot NAME`` sub-command contributed by a plugin."""

    name: str
    help: str
    configure: Callable[[ArgumentParser], None]
    run: Callable[[BotApi, Namespace], int]
    subcommands: dict[str, CliCommand] = field(default_factory=dict)

    @classmethod
    def group(cls, name: str, help: str, children: Mapping[str, CliCommand]) -> CliCommand:
        """``socbot NAME CHILD ...``: one sub-command per child. Plugins registering groups of the
        same name (``socbot export disruptions``, ``socbot export audit``) are merged into one."""
        children = dict(children)
        dest = f"{name}_what"

        def configure(parser: ArgumentParser) -> None:
            sub = parser.add_subparsers(dest=dest, required=True, metavar="WHAT")
            for child_name, child in children.items():
                child.configure(sub.add_parser(child_name, help=child.help))

        def run(bot: BotApi, args: Namespace) -> int:
            return children[getattr(args, dest)].run(bot, args)

        return cls(name, help, configure, run, subcommands=children)


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


SettingsT = TypeVar("SettingsT", bound="BaseSettings")


class BotApi(Protocol):
    """What the ``startup`` hook and a ``CliCommand`` may use of the running bot.

    A protocol, not ``socbot.bot.Bot``, so that plugins never import the core's internals.
    """

    @property
    def engine(self) -> Engine: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def pm(self) -> pluggy.PluginManager: ...
    @property
    def access(self) -> Access: ...
    @property
    def commands(self) -> Mapping[str, CommandSpec]: ...
    @property
    def jobs(self) -> Mapping[str, Job]: ...
    def run_job(self, name: str, *, dry_run: bool = False) -> list[str]: ...
    def run_job_batches(self, name: str, *, dry_run: bool = False) -> Iterator[list[str]]: ...
    def context(
        self, session: Session, actor: Actor, face: str, channel: str | None = None
    ) -> Context: ...
    def in_working_hours(self, moment: datetime | None = None) -> bool: ...
    @overload
    def plugin_settings(self, name: str) -> BaseSettings: ...
    @overload
    def plugin_settings(self, name: str, model: type[SettingsT]) -> SettingsT: ...


T = TypeVar("T")


def collect(pm: pluggy.PluginManager, hook: str, kind: type[T]) -> list[tuple[str, T]]:
    """Call a ``register_*`` hook on every plugin: ``(plugin name, item)`` in call order.

    An item of the wrong type stops with the plugin's name, so a mistake shows at start.
    """
    found: list[tuple[str, T]] = []
    for impl in getattr(pm.hook, hook).get_hookimpls():

        def register(item: object, plugin: str = impl.plugin_name) -> None:
            if not isinstance(item, kind):
                raise PluginError(f"plugin {plugin} registered {item!r}, expected {kind.__name__}")
            found.append((plugin, item))

        impl.function(register)
    return found


def cli_commands(pm: pluggy.PluginManager) -> dict[str, CliCommand]:
    """Every plugin's ``socbot`` sub-command by name. Plugins may each add children to one group
    (``socbot export disruptions``, ``socbot export audit``): groups sharing a name become one."""
    by_name: dict[str, list[CliCommand]] = {}
    for _, cli in collect(pm, "register_cli", CliCommand):
        by_name.setdefault(cli.name, []).append(cli)
    merged = {}
    for name, group in by_name.items():
        if len(group) == 1 or not all(c.subcommands for c in group):
            merged[name] = group[-1]
            continue
        children = {k: v for c in group for k, v in c.subcommands.items()}
        merged[name] = CliCommand.group(name, group[0].help, children)
    return merged
