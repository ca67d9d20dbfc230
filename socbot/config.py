"""Settings from the environment (``SOCBOT_*``, plus the platforms' own variable names)."""

from __future__ import annotations

import os
from datetime import time
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "socbot"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOCBOT_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    now: str | None = None  # fixes the clock: 2027-03-03T09:00 (London unless zoned)
    load_plugins: str | None = None  # comma-separated allow-list of plugin names
    tactics_files: str | None = None  # comma-separated TOML files of local tactics

    work_start: time = time(8, 0)
    work_end: time = time(18, 0)
    work_days: str = "mon,tue,wed,thu,fri"
    review_alert_days: int = 7  # tell the LRO this many days before a review falls due
    review_escalate_days: int = 14  # tell the SRO after this many days overdue
    action_escalate_days: int = 7  # raise an overdue action with the LRO after this many days
    coordinators_channel: str | None = None  # a Slack/Teams channel for digests, if wanted
    rate_limit: int = 30  # commands per sender a minute, counted in the store for all replicas
    teams_tenants: str | None = None  # comma-separated Entra tenant ids; default the bot's own
    log_level: str = "WARNING"

    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "SOCBOT_SLACK_BOT_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "SOCBOT_SLACK_SIGNING_SECRET"),
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "SOCBOT_SLACK_APP_TOKEN")
    )
    slack_api_url: str | None = None

    @property
    def url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'socbot.db'}"

    @property
    def working_days(self) -> set[int]:
        names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        return {names.index(d.strip()[:3].lower()) for d in self.work_days.split(",") if d.strip()}
