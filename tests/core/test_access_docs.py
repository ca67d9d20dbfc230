"""docs/permissions.md is generated from the code and must match it."""

from pathlib import Path

from socbot import access, docs_gen
from socbot.store.models import ROLES

DOC = Path(__file__).parents[2] / "docs" / "permissions.md"


def test_the_permissions_doc_matches_the_code():
    assert DOC.read_text(encoding="utf-8") == docs_gen.permissions_md(), (
        "docs/permissions.md is stale: run `python -m socbot.docs_gen --write`"
    )
    assert docs_gen.main(["--check"]) == 0


def test_the_doc_lists_every_command_role_and_permission(bot):
    text = docs_gen.permissions_md()
    for name, spec in bot.commands.items():
        assert f"| `{name}` | `{spec.permission}` |" in text
    for role in ROLES:
        assert f"| {role} |" in text
    for permission, registered in bot.access.permissions.items():
        assert f"| `{permission}` |" in text
        assert registered.description, permission


def test_every_registered_cell_is_a_known_role_and_scope(bot):
    for permission, registered in bot.access.permissions.items():
        assert set(registered.grants) <= set(ROLES), permission
        assert set(registered.grants.values()) <= {access.ANY, access.OWN}, permission


def test_a_plugin_declaring_an_unknown_permission_stops_the_bot(make_bot, engine):
    import pytest

    from socbot import CommandSpec, Reply, hookimpl
    from socbot.plugins import get_plugin_manager
    from socbot.registry import PluginError

    class Sloppy:
        @hookimpl
        def register_commands(self, register):  # type: ignore[no-untyped-def]
            register(CommandSpec("oops", lambda c, m: Reply(text="x"), "x", permission="ocg.raed"))

    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(Sloppy(), name="sloppy")
    with pytest.raises(PluginError, match=r"ocg\.raed"):
        make_bot(engine, plugins=pm)
