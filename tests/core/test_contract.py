"""The plugin contract: a misspelt hook stops the bot, commands get what they need from the
context (not the bot), plugins import only the public API (a ruff rule), which ``socbot``
exports."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import create_engine

import socbot
from socbot import CommandSpec, Context, Reply, hookimpl
from socbot.bot import Bot
from socbot.identify import Who
from socbot.plugins import get_plugin_manager
from socbot.registry import PluginError

ROOT = Path(__file__).resolve().parents[2]


class Misspelt:
    @hookimpl
    def register_command(self, register):  # the real hook is register_commands
        register(CommandSpec("echo", lambda ctx, cmd: Reply(text="hi"), "echo", permission="help"))


class Nonsense:
    @hookimpl
    def frobnicate(self):
        """Nothing like any hook."""


def test_a_misspelt_hook_stops_the_bot_naming_the_plugin_and_the_right_hook():
    pm = get_plugin_manager(load_entrypoints=False, allow="help")
    pm.register(Misspelt(), name="my-echo")
    with pytest.raises(PluginError) as raised:
        Bot(create_engine("sqlite://"), pm=pm)
    assert str(raised.value) == (
        "plugin my-echo implements 'register_command', which is not a socbot hook: "
        "did you mean 'register_commands'?"
    )


def test_an_unknown_hook_with_no_close_match_still_stops_the_bot():
    pm = get_plugin_manager(load_entrypoints=False, allow="help")
    pm.register(Nonsense(), name="odd")
    with pytest.raises(PluginError, match=r"^plugin odd implements 'frobnicate', which is not a"):
        Bot(create_engine("sqlite://"), pm=pm)


def test_a_hook_a_plugin_specifies_for_others_is_not_unknown(make_bot, engine):
    """tactics adds ``register_tactics`` with ``add_hookspecs``: implementing it is fine."""

    class Local:
        @hookimpl
        def register_tactics(self, register):
            register([])

    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(Local(), name="local-tactics")
    assert "tactics" in make_bot(engine, plugins=pm).commands


class Inspect:
    """A command that reports what its context offers."""

    seen: ClassVar[list[Context]] = []

    @hookimpl
    def register_commands(self, register):
        def look(ctx: Context, cmd) -> Reply:
            Inspect.seen.append(ctx)
            return Reply(text="ok")

        register(CommandSpec("look", look, "look", permission="help"))


def test_a_command_gets_settings_hooks_clock_and_commands_from_its_context(make_bot, engine):
    pm = get_plugin_manager(load_entrypoints=False, allow="help")
    pm.register(Inspect(), name="inspect")
    bot = make_bot(engine, plugins=pm, demo=True)
    Inspect.seen.clear()
    assert bot.handle("look", Who("console", "okafor"), face="console").text == "ok"
    (ctx,) = Inspect.seen
    assert not hasattr(ctx, "bot")
    assert ctx.settings is bot.settings and ctx.clock is bot.clock
    assert ctx.hooks is bot.pm.hook
    assert sorted(ctx.commands) == ["help", "look"]
    assert ctx.commands["look"].permission == "help"


def test_the_public_api_exports_what_plugins_need():
    for name in ("Context", "Actor", "BotApi", "Register", "PluginError", "collect", "hookspec"):
        assert name in socbot.__all__
    for name in ("ActionDone", "ActionRecorded", "DisruptionRecorded", "Event"):
        assert name in socbot.__all__
    assert all(hasattr(socbot, name) for name in socbot.__all__)


def _ruff(path: Path) -> subprocess.CompletedProcess[str]:
    ruff = Path(sys.executable).with_name("ruff")
    return subprocess.run(
        [str(ruff), "check", "--no-cache", "--output-format=concise", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "line",
    [
        "from socbot.store.models import Ocg",
        "from socbot.bot import Bot",
        "import socbot.faces.console",
        "from socbot import outbox",
        "from socbot.cli import main",
    ],
)
def test_plugins_may_not_import_the_core_internals(line):
    path = ROOT / "plugins" / f"_lint_probe_{uuid.uuid4().hex}.py"
    path.write_text(f"{line}\n\nprint({line.split()[-1].split('.')[-1]})\n")
    try:
        result = _ruff(path)
    finally:
        path.unlink()
    assert result.returncode == 1
    assert "TID251" in result.stdout and "public API" in result.stdout


def test_the_public_api_and_the_core_itself_pass_the_rule():
    """The ban applies to plugins and examples, not to the core that implements it."""
    path = ROOT / "plugins" / f"_lint_probe_{uuid.uuid4().hex}.py"
    path.write_text("from socbot import Context, Ocg\n\nprint(Context, Ocg)\n")
    try:
        assert _ruff(path).returncode == 0
    finally:
        path.unlink()
    assert _ruff(ROOT / "socbot" / "bot.py").returncode == 0  # imports socbot.store freely
