"""Plugin settings: ``SOCBOT_PLUGIN__<NAME>__<KEY>``, validated when the bot starts."""

from __future__ import annotations

import logging
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings
from socbot_plugins.ocg.settings import OcgSettings

from socbot import CommandSpec, PluginSettings, Reply, hookimpl
from socbot.bot import Bot
from socbot.identify import Who
from socbot.registry import PluginError


class PagerSettings(BaseSettings):
    after_hours: int = Field(3, ge=1)
    token: SecretStr = SecretStr("none-yet-set")


class Pager:
    """A third-party plugin with settings and a command that reads them."""

    @hookimpl
    def register_settings(self, register):  # type: ignore[no-untyped-def]
        register(PluginSettings("pager", PagerSettings, renamed={"PAGER_HOURS": "after_hours"}))

    @hookimpl
    def register_commands(self, register):  # type: ignore[no-untyped-def]
        def page(ctx, cmd):  # type: ignore[no-untyped-def]
            return Reply(
                text=f"paging after {ctx.plugin_settings('pager', PagerSettings).after_hours}h"
            )

        register(CommandSpec("bleep", page, "Page someone"))


@pytest.fixture
def pager_bot(make_bot, engine, pm):  # type: ignore[no-untyped-def]
    pm.register(Pager(), name="pager")
    return lambda: make_bot(engine, plugins=pm, demo=True)


def page(bot: Bot) -> str:
    return bot.handle("ocg bleep", Who("console", "okafor"), face="console").text


def test_defaults_then_the_environment_reach_the_plugins_command(pager_bot, monkeypatch):
    assert page(pager_bot()) == "paging after 3h"
    monkeypatch.setenv("SOCBOT_PLUGIN__PAGER__AFTER_HOURS", "5")
    assert page(pager_bot()) == "paging after 5h"


def test_tests_and_embedding_code_can_give_settings(pager_bot, plugin_settings):
    plugin_settings["pager"] = {"after_hours": 8}
    assert page(pager_bot()) == "paging after 8h"


def test_a_bad_value_stops_the_bot_naming_plugin_and_variable(pager_bot, monkeypatch):
    monkeypatch.setenv("SOCBOT_PLUGIN__PAGER__AFTER_HOURS", "soon")
    with pytest.raises(PluginError, match=r"plugin pager.*SOCBOT_PLUGIN__PAGER__AFTER_HOURS"):
        pager_bot()


def test_a_bad_secret_is_never_echoed(pager_bot, plugin_settings):
    plugin_settings["pager"] = {"token": ["hunter2-very-secret"]}
    with pytest.raises(PluginError) as bad:
        pager_bot()
    assert "SOCBOT_PLUGIN__PAGER__TOKEN" in str(bad.value)
    assert "hunter2" not in str(bad.value)


def test_a_misspelt_variable_stops_the_bot(pager_bot, monkeypatch):
    monkeypatch.setenv("SOCBOT_PLUGIN__PAGER__AFTER_HOUR", "5")
    with pytest.raises(PluginError, match="unknown setting SOCBOT_PLUGIN__PAGER__AFTER_HOUR "):
        pager_bot()


def test_settings_for_a_plugin_nobody_loaded_are_refused(pager_bot, plugin_settings):
    plugin_settings["pagre"] = {"after_hours": 8}
    with pytest.raises(PluginError, match="pagre"):
        pager_bot()


def test_an_old_variable_is_still_read_with_a_warning_until_the_new_one_is_set(
    pager_bot, monkeypatch, caplog
):
    monkeypatch.setenv("PAGER_HOURS", "6")
    with caplog.at_level(logging.WARNING, logger="socbot"):
        assert page(pager_bot()) == "paging after 6h"
    assert "PAGER_HOURS is deprecated: set SOCBOT_PLUGIN__PAGER__AFTER_HOURS" in caplog.text
    monkeypatch.setenv("SOCBOT_PLUGIN__PAGER__AFTER_HOURS", "2")
    assert page(pager_bot()) == "paging after 2h"


def test_two_plugins_cannot_claim_one_name(make_bot, engine, pm):  # type: ignore[no-untyped-def]
    class Again:
        @hookimpl
        def register_settings(self, register):  # type: ignore[no-untyped-def]
            register(PluginSettings("ocg", PagerSettings))

    pm.register(Again(), name="again")
    with pytest.raises(PluginError, match="'ocg' are registered twice"):
        make_bot(engine, plugins=pm)


def test_the_built_in_settings_keep_their_old_variables(bot, make_bot, engine, monkeypatch):
    assert bot.plugin_settings("ocg", OcgSettings).review_alert_days == 7
    monkeypatch.setenv("SOCBOT_REVIEW_ALERT_DAYS", "3")
    monkeypatch.setenv("SOCBOT_PLUGIN__ACTIONS__ESCALATE_DAYS", "0")
    with pytest.raises(PluginError, match=r"plugin socbot_plugins.actions.*ESCALATE_DAYS"):
        make_bot(engine)
    monkeypatch.delenv("SOCBOT_PLUGIN__ACTIONS__ESCALATE_DAYS")
    assert make_bot(engine).plugin_settings("ocg", OcgSettings).review_alert_days == 3


def test_the_documented_settings_example_works(make_bot, engine, pm, monkeypatch):  # type: ignore[no-untyped-def]
    docs = (Path(__file__).parents[2] / "docs" / "plugins.md").read_text()
    code = docs.split("\n## Settings\n", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    example = ModuleType("socbot_pager")
    exec(compile(code, "docs/plugins.md", "exec"), example.__dict__)
    pm.register(example, name="pager")
    monkeypatch.setenv("PAGER_HOURS", "4")
    settings = make_bot(engine, plugins=pm).plugin_settings("pager")
    assert isinstance(settings, example.PagerSettings) and settings.after_hours == 4
