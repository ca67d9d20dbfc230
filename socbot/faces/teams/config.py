"""Teams face configuration: the Agents SDK's own environment variables, checked before start.

``CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID / TENANTID / CLIENTSECRET`` come from the
Azure Bot registration. Anonymous mode (no token checks at all) is for a laptop with the Agents
Playground only: it must be asked for explicitly, and asking for it while a client id is set is
refused, because that combination would silently accept unsigned requests in production.

The SDK checks a token's signature and audience but, unless told, not who issued it: any app in
any Entra tenant can get a token whose audience is our app id. So every connection here checks
issuers, and the only one configured is the Bot Framework's (the SDK adds the Microsoft service
tenants Azure Bot Service itself signs from, bound to their ``tid``; it cannot be told not to).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from microsoft_agents.activity import load_configuration_from_env
from microsoft_agents.activity.config._coercion import coerce_bool
from microsoft_agents.hosting.core.authorization import AuthenticationConstants
from microsoft_agents.hosting.core.authorization._entra_issuers import is_gov_authority

PREFIX = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__"
ANONYMOUS = PREFIX + "ANONYMOUS_ALLOWED"
TENANTS = "SOCBOT_TEAMS_TENANTS"
_SDK_KEYS = ("CONNECTIONS__", "CONNECTIONSMAP__", "AGENTAPPLICATION__")
_ISSUER_KEYS = ("ISSUERS", "VALIDATE_ISSUER")


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
    for connection in config["CONNECTIONS"].values():
        _only_bot_framework_issues(connection.setdefault("SETTINGS", {}))
    return config


def _only_bot_framework_issues(settings: dict[str, Any]) -> None:
    if any(key in settings for key in _ISSUER_KEYS):
        raise TeamsConfigError(
            f"Refusing to start: socbot sets {' and '.join(_ISSUER_KEYS)} itself (only the Bot "
            "Framework may issue tokens for Teams traffic); unset them."
        )
    gov = is_gov_authority(settings.get("AUTHORITY"))
    settings["VALIDATE_ISSUER"] = True
    settings["ISSUERS"] = [
        AuthenticationConstants.GOV_AGENTS_SDK_TOKEN_ISSUER
        if gov
        else AuthenticationConstants.AGENTS_SDK_TOKEN_ISSUER
    ]


def client_id(config: Mapping[str, Any]) -> str | None:
    return _settings(config).get("CLIENTID") or None


def home_tenant(config: Mapping[str, Any]) -> str | None:
    """The bot's own Entra tenant (``TENANTID``), lower case; None when not configured."""
    return (_settings(config).get("TENANTID") or "").strip().lower() or None


def tenants(config: Mapping[str, Any], setting: str | None) -> frozenset[str]:
    """The tenants whose Teams activities are served: ``SOCBOT_TEAMS_TENANTS``, else the bot's own.

    Empty means any tenant, which only anonymous (local) mode may have.
    """
    allowed = frozenset(t.strip().lower() for t in (setting or "").split(",") if t.strip())
    home = home_tenant(config)
    allowed = allowed or (frozenset({home}) if home else frozenset())
    if not allowed and client_id(config):
        raise TeamsConfigError(
            f"Set {PREFIX}TENANTID to the bot's tenant id (or {TENANTS} to the tenants it "
            "serves): a registered bot answers only the tenants it knows."
        )
    return allowed


def _settings(config: Mapping[str, Any]) -> Mapping[str, Any]:
    settings: Mapping[str, Any] = config["CONNECTIONS"]["SERVICE_CONNECTION"]["SETTINGS"]
    return settings
