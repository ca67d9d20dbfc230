"""Built-in plugin 'admin': who may use socbot, and the audit trail.

Commands: ``user add``, ``user link``, ``users``, ``grant``, ``revoke``, ``channel secure`` /
``channel insecure`` (admins), ``audit <OCG>`` (the OCG's LRO, the SRO, admins).
CLI: ``socbot export audit``, ``socbot purge``, ``socbot docs permissions`` (admin_records).

Each change also writes an ``admin`` audit row saying exactly what changed (the core's row holds
the command as typed).
"""

from __future__ import annotations

from socbot_plugins.admin import records as admin_records
from socbot_plugins.admin.commands import (
    channel,
    grant,
    list_users,
    ocg_audit,
    revoke,
    user,
)

from socbot import CommandSpec, hookimpl
from socbot.registry import Register


@hookimpl
def register_commands(register: Register) -> None:
    for spec in (
        CommandSpec(
            "user",
            user,
            "Enrol a person or link their Slack/Teams identity",
            usage='user add HANDLE name="..." agency="..." [email=...] [area=...] [role=...] | '
            "user link HANDLE slack:U0123|teams:<id>",
            examples=(
                'user add jsmith name="Jo Smith" agency="Trading Standards" '
                "email=jo.smith@council.example role=partner",
                "user link jsmith slack:U0123ABCD",
            ),
            permission="admin",
            writes=True,
        ),
        CommandSpec(
            "users",
            list_users,
            "Everyone enrolled, with the roles they hold now",
            usage="users [handle, name or agency]",
            examples=("users", "users trading"),
            permission="admin",
        ),
        CommandSpec(
            "grant",
            grant,
            "Give a person a role, force-wide or on one OCG, optionally for a period",
            usage="grant HANDLE ROLE [OCG] [pillar=...] [start=DATE] [until=DATE]",
            examples=(
                "grant khan analyst",
                "grant patel plead OCG-0002 pillar=prevent until=30/06/2027",
            ),
            permission="admin",
            writes=True,
        ),
        CommandSpec(
            "revoke",
            revoke,
            "End a person's role now (the history is kept)",
            usage="revoke HANDLE ROLE [OCG] [pillar=...]",
            examples=("revoke khan analyst", "revoke patel plead OCG-0002"),
            permission="admin",
            writes=True,
        ),
        CommandSpec(
            "channel",
            channel,
            "Mark a channel secure (replies may be shared there) or not, and its ceiling",
            usage="channel secure|insecure [CHANNEL] | channel ceiling LEVEL [CHANNEL]",
            examples=(
                "channel secure",
                "channel insecure #C0123ABCD",
                "channel ceiling OFFICIAL",
            ),
            permission="admin",
            writes=True,
        ),
        CommandSpec(
            "audit",
            ocg_audit,
            "Who did what on an OCG, newest first",
            usage="audit <OCG> [limit=N]",
            examples=("audit OCG-0001", "audit smith limit=50"),
            permission="audit.read",
        ),
    ):
        register(spec)


@hookimpl
def register_cli(register: Register) -> None:
    for cli in admin_records.cli_commands():
        register(cli)


# -- helpers ----------------------------------------------------------------------------------
