import textwrap

import pytest

from socbot import CommandSpec, Reply, hookimpl
from socbot.bot import Bot
from socbot.identify import Who
from socbot.plugins import DEFAULT_PLUGINS, get_plugin_manager
from socbot.registry import PluginError


class Echo:
    @hookimpl
    def register_commands(self, register):
        register(
            CommandSpec(
                "echo", lambda ctx, cmd: Reply(text=" ".join(cmd.args)), "echo", permission="help"
            )
        )


def test_plugin_registered_in_a_test_is_dispatched(make_bot, engine):
    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(Echo(), name="echo")
    bot = make_bot(engine, plugins=pm, demo=True)
    assert bot.handle("ocg echo hi there", Who("console", "okafor"), face="console").text == (
        "hi there"
    )


def test_entry_point_plugins_are_discovered(tmp_path, monkeypatch, make_bot, engine):
    (tmp_path / "hello_plugin.py").write_text(
        textwrap.dedent("""
        from socbot import CommandSpec, Reply, hookimpl

        @hookimpl
        def register_commands(register):
            register(CommandSpec("hello", lambda ctx, cmd: Reply(text="hello from a wheel"),
                                 "greets", permission="help"))
    """)
    )
    dist = tmp_path / "socbot_hello-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: socbot-hello\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[socbot]\nhello = hello_plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    pm = get_plugin_manager()
    assert pm.has_plugin("hello")
    bot = make_bot(engine, plugins=pm, demo=True)
    reply = bot.handle("ocg hello", Who("console", "okafor"), face="console")
    assert reply.text == "hello from a wheel"


def test_allow_list_limits_loaded_plugins():
    pm = get_plugin_manager(load_entrypoints=False, allow="help")
    names = {name for name, _ in pm.list_name_plugin()}
    assert names == {"socbot.permissions", "socbot_plugins.help"}  # the core's own always load


def test_every_built_in_plugin_loads():
    pm = get_plugin_manager(load_entrypoints=False)
    assert all(pm.has_plugin(name) for name in DEFAULT_PLUGINS)


def test_two_plugins_claiming_one_command_fail_at_start(engine):
    class Other(Echo):
        pass

    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(Echo(), name="a")
    pm.register(Other(), name="b")
    with pytest.raises(PluginError, match="'echo' is claimed by both"):
        Bot(engine, pm=pm)


def test_a_startup_hook_can_check_permissions_through_bot_access(make_bot, engine):
    """``BotApi`` offers ``access``: a plugin can check at start that what it needs exists."""
    from socbot import BotApi
    from socbot.access import SYSTEM

    seen = []

    class NeedsReview:
        @hookimpl
        def startup(self, bot: BotApi) -> None:
            if "ocg.review" not in bot.access.permissions:
                raise PluginError("needs-review: the ocg plugin isn't loaded")
            seen.append(bot.access.may_run(SYSTEM, "ocg.review"))

    assert "access" in dir(BotApi)  # the protocol names it, so a typed plugin may use it
    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(NeedsReview(), name="needs-review")
    make_bot(engine, plugins=pm)
    assert seen == [True]
    bare = get_plugin_manager(load_entrypoints=False, allow="help")
    bare.register(NeedsReview(), name="needs-review")
    with pytest.raises(PluginError, match="isn't loaded"):
        make_bot(engine, plugins=bare)
