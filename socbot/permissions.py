"""The core's own permissions, registered through the same hook as any plugin's, and the
check every registered permission passes at start.

``ocg.read`` is here rather than in the ocg plugin because the core itself names it: every OCG
a command resolves is first checked against it (``socbot.lookup``), partners' replies are
withheld by it (``socbot.withhold``) and it is a command's default permission.
"""

from __future__ import annotations

from collections.abc import Iterable

from socbot.access import ANY, OWN, Permission
from socbot.hookspecs import hookimpl
from socbot.registry import PluginError, Register
from socbot.store.models import ROLES

READ_OCG = {
    "admin": ANY,
    "sro": ANY,
    "analyst": ANY,
    "moderator": ANY,
    "lro": OWN,
    "sio": OWN,
    "plead": OWN,
    "coordinator": OWN,
    "partner": OWN,
}


@hookimpl
def register_permissions(register: Register) -> None:
    register(Permission("help", "see the commands you may run", dict.fromkeys(ROLES, ANY)))
    register(
        Permission("ocg.read", "see an OCG (partners: the sanitised view) and its lists", READ_OCG)
    )
    register(
        Permission(
            "audit.read",
            "read the audit trail of an OCG (`ocg audit`)",
            {"admin": ANY, "sro": ANY, "lro": OWN},
        )
    )
    register(
        Permission(
            "admin",
            "enrol people, link identities, grant and revoke roles, mark channels secure",
            {"admin": ANY},
        )
    )


def registered(found: Iterable[tuple[str, Permission]]) -> dict[str, Permission]:
    """The permissions plugins registered, by name; a permission registered twice, or granting
    a role or scope socbot does not know, stops the bot at start naming the plugin."""
    out: dict[str, Permission] = {}
    for plugin, perm in found:
        if perm.name in out:
            raise PluginError(
                f"permission {perm.name!r} is registered by both {out[perm.name].plugin} "
                f"and {plugin}"
            )
        bad = {r: s for r, s in perm.grants.items() if r not in ROLES or s not in (ANY, OWN)}
        if bad:
            raise PluginError(
                f"permission {perm.name!r} of plugin {plugin} grants {bad}: roles must be "
                f"among {', '.join(ROLES)} and scopes {ANY!r} or {OWN!r}"
            )
        out[perm.name] = Permission(perm.name, perm.description, dict(perm.grants), plugin)
    return out
