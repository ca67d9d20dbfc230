"""The ocg plugin's settings: ``SOCBOT_PLUGIN__OCG__<KEY>`` (see docs/plugins.md, Settings)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings

from socbot import PluginSettings


class OcgSettings(BaseSettings):
    """When review-due alerts go out."""

    review_alert_days: int = Field(7, ge=0, description="tell the LRO this many days before")
    review_escalate_days: int = Field(14, ge=1, description="tell the SRO too once this overdue")


SETTINGS = PluginSettings(
    "ocg",
    OcgSettings,
    renamed={
        "SOCBOT_REVIEW_ALERT_DAYS": "review_alert_days",
        "SOCBOT_REVIEW_ESCALATE_DAYS": "review_escalate_days",
    },
)
