"""Settings from the environment (``SOCBOT_*``, plus the platforms' own variable names).

The core's own settings are ``Settings``; each plugin's are its own pydantic-settings model,
read from ``SOCBOT_PLUGIN__<NAME>__<KEY>`` and checked at start (``socbot.plugin_settings``).
"""

from __future__ import annotations

import os
from datetime import time
from pathlib import Path
from typing import TypeVar

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

S = TypeVar("S", bound=BaseSettings)


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "socbot"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOCBOT_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    now: str | None = None  # fixes the clock: 2027-03-03T09:00 (London unless zoned)
    load_plugins: str | None = None  # comma-separated allow-list of plugin names

    work_start: time = time(8, 0)
    work_end: time = time(18, 0)
    work_days: str = "mon,tue,wed,thu,fri"
    rate_limit: int = 30  # commands per sender a minute, shared by replicas (guards.Rates)
    teams_tenants: str | None = None  # comma-separated Entra tenant ids; default the bot's own
    log_level: str = "WARNING"
    log_format: str = "text"  # "json": one JSON object a line, with the request id
    redis_url: str | None = None  # shared state (replays, modals, rates) in Redis, not the store

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
    # a link to an OCG on the force's intranet, unfurled in Slack: https://intranet/ocg/{ref}
    unfurl_url_pattern: str | None = None

    @property
    def url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'socbot.db'}"

    @property
    def working_days(self) -> set[int]:
        names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        return {names.index(d.strip()[:3].lower()) for d in self.work_days.split(",") if d.strip()}
