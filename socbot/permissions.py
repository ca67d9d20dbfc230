"""The core's own permissions, registered through the same hook as any plugin's.

``ocg.read`` is here rather than in the ocg plugin because the core itself names it: every OCG
a command resolves is first checked against it (``socbot.lookup``), partners' replies are
withheld by it (``socbot.withhold``) and it is a command's default permission.
"""

from __future__ import annotations

from socbot.access import ANY, OWN
from socbot.hookspecs import hookimpl
from socbot.registry import Permission, Register
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
