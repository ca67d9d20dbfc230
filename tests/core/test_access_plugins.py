"""Plugins own their permissions: a new one works end to end, mistakes stop the bot at start,
and bots with different plugins in one process never share grants."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from socbot import CommandSpec, FormSpec, Permission, Reply, hookimpl
from socbot.context import Context
from socbot.identify import Who
from socbot.model import Command
from socbot.plugins import get_plugin_manager
from socbot.registry import PluginError

CORE = Path(__file__).parents[2] / "socbot"


class Firearms:
    """A force's own plugin: firearms licensing checks, for the OCG's LRO only."""

    @hookimpl
    def register_permissions(self, register):  # type: ignore[no-untyped-def]
        register(Permission("firearms.read", "read firearms licensing", {"lro": "own"}))

    @hookimpl
    def register_commands(self, register):  # type: ignore[no-untyped-def]
        register(
            CommandSpec(
                "firearms",
                self.show,
                "Firearms licences held around an OCG",
                usage="firearms <OCG>",
                permission="firearms.read",
            )
        )

    def show(self, ctx: Context, cmd: Command) -> Reply:
        ocg = ctx.ocg(cmd.args[0])
        return Reply(text=f"no licences near {ocg.ref}")


def _with(*plugins: object):  # type: ignore[no-untyped-def]
    pm = get_plugin_manager(load_entrypoints=False)
    for n, plugin in enumerate(plugins):
        pm.register(plugin, name=f"fake{n}")
    return pm


def _say(bot):  # type: ignore[no-untyped-def]
    return lambda handle, line: bot.handle(line, Who("console", handle), face="console")


def test_a_plugin_adds_a_permission_that_reaches_the_lro_on_their_own_ocg(make_bot, engine):
    bot = make_bot(engine, plugins=_with(Firearms()), demo=True)
    say = _say(bot)
    assert say("okafor", "ocg firearms OCG-0001").text == "no licences near OCG-0001"
    # brennan's OCG: okafor may not see it, so it answers as if it did not exist
    other = say("okafor", "ocg firearms OCG-0003")
    assert other.error
    missing = say("okafor", "ocg firearms OCG-0999").text
    assert other.text == missing.replace("OCG-0999", "OCG-0003")
    assert say("brennan", "ocg firearms OCG-0003").text == "no licences near OCG-0003"
    for handle in ("hart", "khan", "nguyen", "evans", "admin"):  # the SRO too: not granted
        reply = say(handle, "ocg firearms OCG-0001")
        assert reply.error and "`firearms` isn't available to you" in reply.text, handle


def test_help_lists_a_plugin_command_only_to_those_who_may_run_it(make_bot, engine):
    bot = make_bot(engine, plugins=_with(Firearms()), demo=True)
    say = _say(bot)
    assert "firearms" in repr(say("okafor", "ocg help").to_dict())
    for handle in ("hart", "evans", "khan"):
        assert "firearms" not in repr(say(handle, "ocg help").to_dict()), handle


def test_being_a_partner_caps_what_a_plugin_grants(make_bot, engine):
    class Generous(Firearms):
        @hookimpl
        def register_permissions(self, register):  # type: ignore[no-untyped-def]
            register(Permission("firearms.read", "x", {"coordinator": "any"}))

    say = _say(make_bot(engine, plugins=_with(Generous()), demo=True))
    assert say("walsh", "ocg firearms OCG-0001").text == "no licences near OCG-0001"
    refused = say("price", "ocg firearms OCG-0001")  # a partner who is also a coordinator
    assert refused.error and "`firearms` isn't available to you" in refused.text


def test_bots_with_different_plugins_do_not_share_permissions(make_bot, engine):
    with_firearms = make_bot(engine, plugins=_with(Firearms()), demo=True)
    without = make_bot(engine)
    assert "firearms.read" in with_firearms.access.permissions
    assert "firearms.read" not in without.access.permissions
    assert _say(without)("okafor", "ocg firearms OCG-0001").error


@pytest.mark.parametrize(
    ("plugin", "message"),
    [
        (
            type(
                "Typo",
                (),
                {
                    "register_commands": hookimpl(
                        lambda self, register: register(
                            CommandSpec("x", lambda c, m: Reply(), "x", permission="fire.raed")
                        )
                    )
                },
            )(),
            r"command 'x' of plugin fake0 needs permission 'fire\.raed', which no plugin",
        ),
        (
            type(
                "FormTypo",
                (),
                {
                    "register_forms": hookimpl(
                        lambda self, register: register(
                            FormSpec("f", lambda c, p: None, lambda v: None, permission="nope")
                        )
                    )
                },
            )(),
            r"form 'f' of plugin fake0 needs permission 'nope'",
        ),
        (
            type(
                "Twice",
                (),
                {
                    "register_permissions": hookimpl(
                        lambda self, register: register(Permission("ocg.read", "mine", {}))
                    )
                },
            )(),
            r"'ocg\.read' is registered by both socbot\.permissions and fake0",
        ),
        (
            type(
                "BadGrant",
                (),
                {
                    "register_permissions": hookimpl(
                        lambda self, register: register(
                            Permission("firearms.read", "x", {"armourer": "any"})
                        )
                    )
                },
            )(),
            r"'firearms\.read' of plugin fake0 grants \{'armourer': 'any'\}",
        ),
    ],
    ids=["command-unknown", "form-unknown", "registered-twice", "unknown-role"],
)
def test_permission_mistakes_stop_the_bot_at_start_naming_plugin_and_permission(
    make_bot, engine, plugin, message
):
    with pytest.raises(PluginError, match=message):
        make_bot(engine, plugins=_with(plugin))


def _imports_plugins(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        if any(n == "socbot_plugins" or n.startswith("socbot_plugins.") for n in names):
            return True
    return False


def test_the_core_never_imports_the_built_in_plugins():
    """A plugin may be left out (``SOCBOT_LOAD_PLUGINS``) or replaced: the core reaches plugins
    only through hooks, whatever the import (module level, ``TYPE_CHECKING``, in a function)."""
    found = {str(p.relative_to(CORE)) for p in CORE.rglob("*.py") if _imports_plugins(p)}
    assert found == set()


def test_partners_reach_ocgs_through_actions_only_while_the_actions_plugin_is_loaded(
    make_bot, engine
):
    from sqlmodel import Session, select

    from socbot.access import load_actor
    from socbot.store.models import Ocg, Person

    full = make_bot(engine, demo=True)
    bare = make_bot(engine, plugins=get_plugin_manager(load_entrypoints=False, allow="ocg,plan"))
    with Session(engine) as s:
        evans = s.exec(select(Person).where(Person.handle == "evans")).one()
        me = load_actor(s, evans, full.clock.utcnow())
        refs = {o.id: o.ref for o in s.exec(select(Ocg)).all()}
        seen = full.access.visible_ocg_ids(s, me) or set()
        assert {refs[i] for i in seen} == {"OCG-0001", "OCG-0009"}  # actions evans's agency holds
        assert bare.access.visible_ocg_ids(s, me) == set()  # no plugin says they reach any
