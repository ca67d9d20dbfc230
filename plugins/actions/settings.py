"""The actions plugin's settings: ``SOCBOT_PLUGIN__ACTIONS__<KEY>`` (docs/plugins.md, Settings)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings

from socbot import PluginSettings


class ActionsSettings(BaseSettings):
    """When overdue actions are raised with the LRO, and where coordinators' digests go."""

    escalate_days: int = Field(7, ge=1, description="raise an overdue action after this many days")
    coordinators_channel: str | None = Field(None, description="also post digests here")


SETTINGS = PluginSettings(
    "actions",
    ActionsSettings,
    renamed={
        "SOCBOT_ACTION_ESCALATE_DAYS": "escalate_days",
        "SOCBOT_COORDINATORS_CHANNEL": "coordinators_channel",
    },
)
