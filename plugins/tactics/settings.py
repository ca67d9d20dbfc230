"""The tactics plugin's settings: ``SOCBOT_PLUGIN__TACTICS__<KEY>`` (docs/plugins.md, Settings)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings

from socbot import PluginSettings


class TacticsSettings(BaseSettings):
    """Where a force's own tactics are, beside the built-in catalogue."""

    files: str | None = Field(None, description="comma-separated TOML files of local tactics")


SETTINGS = PluginSettings("tactics", TacticsSettings, renamed={"SOCBOT_TACTICS_FILES": "files"})
