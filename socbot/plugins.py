"""Plugin discovery: the built-in plugins, entry points in group ``socbot``, an allow-list."""

from __future__ import annotations

import difflib
import importlib
import os
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

import pluggy
from pluggy import HookImpl

from socbot import hookspecs
from socbot.registry import PluginError

# The core's own hook implementations, as Datasette's default_permissions: always loaded, so
# the allow-list cannot take away what the core itself relies on.
CORE_PLUGINS = ("socbot.permissions",)
DEFAULT_PLUGINS = (
    "socbot_plugins.help",
    "socbot_plugins.admin",
    "socbot_plugins.ocg",
    "socbot_plugins.actions",
    "socbot_plugins.disruptions",
    "socbot_plugins.tactics",
    "socbot_plugins.sensitive",
    "socbot_plugins.plan",
    "socbot_plugins.nominals",
    "socbot_plugins.papers",
)


def _allowed(name: str, allow: set[str] | None) -> bool:
    return allow is None or name in allow or name.rsplit(".", 1)[-1] in allow


def get_plugin_manager(
    load_entrypoints: bool = True, allow: str | None = None
) -> pluggy.PluginManager:
    """A fresh manager each call: tests and several bots in one process never share state.

    ``allow`` (default ``SOCBOT_LOAD_PLUGINS``) is a comma-separated allow-list of plugin names
    (``ocg`` or ``socbot_plugins.ocg``); unset loads everything.
    """
    pm = pluggy.PluginManager("socbot")
    pm.add_hookspecs(hookspecs)
    allow = allow if allow is not None else os.environ.get("SOCBOT_LOAD_PLUGINS")
    allowed = {p.strip() for p in allow.split(",") if p.strip()} if allow else None
    for name in CORE_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    for name in DEFAULT_PLUGINS:
        if _allowed(name, allowed):
            pm.register(importlib.import_module(name), name=name)
    if load_entrypoints:
        for ep in entry_points(group="socbot"):
            if _allowed(ep.name, allowed) and not pm.has_plugin(ep.name):
                pm.register(ep.load(), name=ep.name)
    pm.hook.add_hookspecs(pm=pm)
    return pm


def with_built_ins(pm: pluggy.PluginManager, hook: str) -> list[Callable[..., Any]]:
    """Every built-in plugin's implementation of ``hook``, whatever the allow-list (the store
    holds all their tables), then the other plugins' on ``pm``, in plugin order (``pm``'s own
    where it has the plugin). Each is called with keyword arguments, like the hook itself."""
    mine = {i.plugin_name: i for i in getattr(pm.hook, hook).get_hookimpls()}
    built_in = getattr(get_plugin_manager(load_entrypoints=False, allow="").hook, hook)
    impls = [mine.pop(i.plugin_name, i) for i in built_in.get_hookimpls()] + list(mine.values())
    return [_call(i) for i in impls]


def _call(impl: HookImpl) -> Callable[..., Any]:
    """Call one implementation as pluggy would: with only the arguments it names."""

    def call(**kwargs: Any) -> Any:
        return impl.function(*(kwargs[a] for a in impl.argnames))

    return call


def check_pending(pm: pluggy.PluginManager) -> None:
    """Stop on a hook implementation no hookspec names: pluggy would otherwise never call a
    misspelt ``register_command`` and say nothing. Run after every ``add_hookspecs``."""
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        plugin = pm.get_name(exc.plugin) or repr(exc.plugin)
        known = [n for n, h in vars(pm.hook).items() if h.has_spec()]
        unknown = [
            name
            for name, hook in vars(pm.hook).items()
            if not hook.has_spec() and any(i.plugin is exc.plugin for i in hook.get_hookimpls())
        ]
        name = unknown[0] if unknown else "?"
        close = difflib.get_close_matches(name, known, n=1)
        hint = f": did you mean {close[0]!r}?" if close else ""
        raise PluginError(
            f"plugin {plugin} implements {name!r}, which is not a socbot hook{hint}"
        ) from exc
