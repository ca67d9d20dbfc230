"""Teams face configuration: the Agents SDK's own environment variables, checked before start.

``CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID / TENANTID / CLIENTSECRET`` come from the
Azure Bot registration. Anonymous mode (no token checks at all) is for a laptop with the Agents
Playground only: it must be asked for explicitly, and asking for it while a client id is set is
refused, because that combination would silently accept unsigned requests in production.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from microsoft_agents.activity import load_configuration_from_env
from microsoft_agents.activity.config._coercion import coerce_bool

PREFIX = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__"
ANONYMOUS = PREFIX + "ANONYMOUS_ALLOWED"
_SDK_KEYS = ("CONNECTIONS__", "CONNECTIONSMAP__", "AGENTAPPLICATION__")


class TeamsConfigError(ValueError):
    """The Teams face cannot start with this configuration; the message says what to set."""


def load(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The SDK configuration from ``env`` (default ``os.environ``), refused when unsafe."""
    env = os.environ if env is None else env
    # Only the SDK's own keys: the loader splits every name on "__" and trips on unrelated ones.
    config = load_configuration_from_env({k: v for k, v in env.items() if k.startswith(_SDK_KEYS)})
    settings = config["CONNECTIONS"].setdefault("SERVICE_CONNECTION", {}).setdefault("SETTINGS", {})
    client_id = (settings.get("CLIENTID") or "").strip()
    # Only "true"/"1" enable it; anything else (typos included) leaves token checks on.
    anonymous = coerce_bool(settings.get("ANONYMOUS_ALLOWED"), default=False, name=ANONYMOUS)
    if client_id and anonymous:
        raise TeamsConfigError(
            f"Refusing to start: {ANONYMOUS} is true while {PREFIX}CLIENTID is set. Anonymous "
            "mode turns token checks off; unset it for a registered bot."
        )
    if not client_id and not anonymous:
        raise TeamsConfigError(
            f"Set {PREFIX}CLIENTID, TENANTID and CLIENTSECRET from the Azure Bot registration "
            f"(see docs/teams.md), or {ANONYMOUS}=true to try the bot locally without Teams."
        )
    settings["ANONYMOUS_ALLOWED"] = anonymous
    return config


def client_id(config: Mapping[str, Any]) -> str | None:
    return config["CONNECTIONS"]["SERVICE_CONNECTION"]["SETTINGS"].get("CLIENTID") or None
