"""Built-in: ``help`` and ``help VERB``. Lists only what the actor may run."""

from __future__ import annotations

import difflib

from socbot import CommandError, CommandSpec, Item, Reply, hookimpl
from socbot.context import Context
from socbot.model import Command, Section


@hookimpl
def register_commands(register):  # type: ignore[no-untyped-def]
    register(
        CommandSpec(
            "help",
            show_help,
            "What you can do, or how to use one command",
            usage="help [command]",
            examples=("help", "help action"),
            permission="help",
        )
    )


def show_help(ctx: Context, cmd: Command) -> Reply:
    mine = {
        name: spec
        for name, spec in sorted(ctx.commands.items())
        if ctx.access.may_run(ctx.actor, spec.permission)
    }
    if cmd.args:
        verb = cmd.args[0].lower().lstrip("/")
        spec = mine.get(verb) or next((s for s in mine.values() if verb in s.aliases), None)
        if spec is None:
            close = difflib.get_close_matches(verb, list(mine), n=1)
            hint = f" Did you mean `help {close[0]}`?" if close else ""
            raise CommandError(f"There is no command `{verb[:40]}` you can use.{hint}")
        sections = []
        if spec.details:
            sections.append(Section(text=spec.details))
        if spec.examples:
            sections.append(Section("Examples", items=[Item(f"`ocg {e}`") for e in spec.examples]))
        return Reply(
            title=f"ocg {spec.usage or spec.name}",
            text=spec.summary,
            sections=sections,
        )
    return Reply(
        title="What you can do with socbot",
        items=[Item(f"`ocg {s.usage or s.name}`", s.summary) for s in mine.values()],
        context="Type `help <command>` for examples. Add `share` at the end to post a reply "
        "to a secure channel.",
    )
