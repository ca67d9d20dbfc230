"""Each plugin's settings: a pydantic-settings model read from ``SOCBOT_PLUGIN__<NAME>__<KEY>``,
built and validated when the bot starts, so a bad value stops it rather than a job at 3 a.m."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_settings import BaseSettings

from socbot.registry import PluginError, PluginSettings

log = logging.getLogger("socbot.config")


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
