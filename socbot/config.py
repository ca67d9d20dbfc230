"""Settings from the environment (``SOCBOT_*``, plus the platforms' own variable names).

The core's own settings are ``Settings``; each plugin's are its own pydantic-settings model,
read from ``SOCBOT_PLUGIN__<NAME>__<KEY>`` and checked at start (``load_plugin_settings``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from datetime import time
from pathlib import Path
from typing import Any, TypeVar

from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from socbot.registry import PluginError, PluginSettings

log = logging.getLogger("socbot.config")
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


def env_prefix(name: str) -> str:
    """Where a plugin's settings live: ``SOCBOT_PLUGIN__OCG__`` for the ``ocg`` settings."""
    return f"SOCBOT_PLUGIN__{name.upper()}__"


def read_plugin_settings(
    spec: PluginSettings,
    given: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> BaseSettings:
    """Build one plugin's settings from ``given`` (tests, embedding code), then the environment.

    Raises ``PluginError`` naming the plugin and the variable, never the value (it may be a
    secret). A variable under the plugin's prefix that names no setting is refused too: a typo
    would otherwise silently leave the default in force.
    """
    model, prefix = spec.model, env_prefix(spec.name)
    if not (isinstance(model, type) and issubclass(model, BaseSettings)):
        raise PluginError(f"plugin {spec.plugin}: settings {spec.name!r} are not BaseSettings")
    env = {k.upper(): v for k, v in (os.environ if environ is None else environ).items()}
    unknown = sorted(
        k for k in env if k.startswith(prefix) and _key(k, prefix) not in model.model_fields
    )
    if unknown:
        known = ", ".join(prefix + f.upper() for f in model.model_fields) or "none"
        raise PluginError(f"plugin {spec.plugin}: unknown setting {unknown[0]} (known: {known})")
    values = dict(given or {})
    for old, key in spec.renamed.items():
        if old.upper() in env and prefix + key.upper() not in env and key not in values:
            log.warning("%s is deprecated: set %s%s instead", old, prefix, key.upper())
            values[key] = env[old.upper()]
    try:
        return model(_env_prefix=prefix, **values)  # type: ignore[call-arg]
    except ValidationError as exc:
        problems = "; ".join(
            f"{_variable(prefix, err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise PluginError(f"plugin {spec.plugin}: bad setting {problems}") from None


def load_plugin_settings(
    found: Iterable[tuple[str, PluginSettings]],
    given: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, BaseSettings]:
    """Every plugin's settings by name, validated: what ``Bot`` does at start."""
    given = dict(given or {})
    loaded: dict[str, BaseSettings] = {}
    for plugin, spec in found:
        spec = PluginSettings(spec.name.lower(), spec.model, plugin, spec.renamed)
        if spec.name in loaded:
            raise PluginError(f"settings {spec.name!r} are registered twice (again by {plugin})")
        loaded[spec.name] = read_plugin_settings(spec, given.pop(spec.name, None))
    if given:
        raise PluginError(f"settings given for {', '.join(sorted(given))}: no plugin has those")
    return loaded


def _key(variable: str, prefix: str) -> str:
    return variable[len(prefix) :].lower()


def _variable(prefix: str, loc: tuple[int | str, ...]) -> str:
    return prefix + "__".join(str(part).upper() for part in loc) if loc else prefix.rstrip("_")


def pick_plugin_settings(
    loaded: Mapping[str, BaseSettings], name: str, model: type[BaseSettings] = BaseSettings
) -> BaseSettings:
    """One plugin's settings from what the bot validated at start, checked to be ``model``."""
    found = loaded.get(name.lower())
    if found is None:
        raise PluginError(f"no plugin registered settings named {name!r}")
    if not isinstance(found, model):
        raise PluginError(f"settings {name!r} are {type(found).__name__}, not {model.__name__}")
    return found
