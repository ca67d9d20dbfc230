"""Documentation generated from the code, so the two cannot drift.

``python -m socbot.docs_gen`` (or ``socbot docs permissions``) prints ``docs/permissions.md``:
the roles, the permission matrix from ``socbot.access.MATRIX`` and, for every built-in command,
the permission it declares and who may run it. ``--check FILE`` exits 1 when FILE is stale;
a test does the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

from socbot import access
from socbot.store.models import ROLES

DOC = Path(__file__).parents[1] / "docs" / "permissions.md"
ROLE_NOTES = {
    "admin": "runs socbot: enrols people, grants roles, marks channels secure",
    "sro": "Senior Responsible Officer (Gold): oversees every OCG in the force",
    "lro": "Lead Responsible Officer (Silver): owns one OCG's 4P plan; granted per OCG",
    "sio": "Senior Investigating Officer: usually leads Pursue; granted per OCG",
    "plead": "P lead (Bronze): owns one pillar of one OCG's plan; granted per OCG and pillar",
    "coordinator": "SOC coordinator for an area or an agency: chases actions, runs digests",
    "analyst": "intelligence analyst: reads every OCG, keeps profiles",
    "moderator": "disruption moderation panel: accepts or rejects logged disruptions",
    "partner": "partner agency officer (council, HMRC, fire...): sanitised views only",
}


def _commands() -> list[tuple[str, str, str]]:
    """(name, permission, summary) for every built-in command, sorted by name."""
    from socbot.plugins import get_plugin_manager
    from socbot.registry import CommandSpec, collect

    pm = get_plugin_manager(load_entrypoints=False, allow="")
    specs = [spec for _, spec in collect(pm, "register_commands", CommandSpec)]
    return sorted((s.name, s.permission, s.summary) for s in specs)


def _roles(grants: dict[str, str], reach: str) -> str:
    found = [r for r in ROLES if grants.get(r) == reach]
    return ", ".join(found) or "-"


def permissions_md() -> str:
    """The text of ``docs/permissions.md``."""
    lines = [
        "# Permissions",
        "",
        "<!-- Generated from socbot/access.py and the built-in plugins: do not edit by hand.",
        "     Regenerate: socbot docs permissions --out docs/permissions.md -->",
        "",
        "Every command names one permission; the core checks it before the command runs and "
        "again on every",
        "OCG the command touches. Scopes:",
        "",
        "- **any**: every OCG in the force.",
        "- **own**: the OCGs the person holds a role on (LRO, SIO, P lead...). For partners, "
        "also the OCGs",
        "  where they or their agency hold an action. For coordinators, also the OCGs of their "
        "area and",
        "  those where they or their agency hold an action.",
        "- **-**: not at all; the command is not listed in their `help`.",
        "",
        "A role granted on one OCG reaches only that OCG, even where the table says **any**. "
        "Anyone holding",
        "the partner role sees the sanitised view everywhere (see [security.md](security.md)). "
        "An OCG a person",
        "may not see is answered exactly like one that does not exist.",
        "",
        "## Roles",
        "",
        "| role | who |",
        "|---|---|",
        *(f"| {r} | {ROLE_NOTES.get(r, '')} |" for r in ROLES),
        "",
        "## Matrix",
        "",
        access.permission_table(),
        "",
        "## Commands",
        "",
        "| command | permission | any OCG | own OCGs | what it does |",
        "|---|---|---|---|---|",
    ]
    for name, permission, summary in _commands():
        grants = access.MATRIX.get(permission, {})
        lines.append(
            f"| `{name}` | `{permission}` | {_roles(grants, access.ANY)} | "
            f"{_roles(grants, access.OWN)} | {summary} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m socbot.docs_gen [--check] [--write]`` for docs/permissions.md."""
    argv = sys.argv[1:] if argv is None else argv
    text = permissions_md()
    if "--check" in argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is out of date: run python -m socbot.docs_gen --write", file=sys.stderr)
            return 1
        return 0
    if "--write" in argv:
        DOC.write_text(text, encoding="utf-8")
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
