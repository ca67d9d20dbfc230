"""Documentation generated from the code, so the two cannot drift.

``python -m socbot.docs_gen`` (or ``socbot docs permissions``) prints ``docs/permissions.md``:
the roles, every permission the core and the built-in plugins register (``register_permissions``)
and, for every built-in command, the permission it declares and who may run it. ``--check FILE``
exits 1 when FILE is stale; a test does the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

from socbot import access, permissions
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


def built_in() -> tuple[access.Access, list[tuple[str, str, str]]]:
    """The built-in permissions, and (name, permission, summary) for every built-in command."""
    from socbot.plugins import get_plugin_manager
    from socbot.registry import CommandSpec, Permission, collect

    pm = get_plugin_manager(load_entrypoints=False, allow="")
    acl = access.Access(permissions.registered(collect(pm, "register_permissions", Permission)))
    specs = [spec for _, spec in collect(pm, "register_commands", CommandSpec)]
    return acl, sorted((s.name, s.permission, s.summary) for s in specs)


# In our own words; the source is the Home Office LRO guidance (seeds/001): "Gold, Silver, Bronze
# model" in section A, and "Delegate" among the good practice for developing 4P plans.
GOLD_SILVER_BRONZE = (
    "## Roles and the Gold, Silver, Bronze model",
    "",
    "The Home Office LRO guidance (section A, *Gold, Silver, Bronze model*) suggests a command "
    "structure for",
    "each OCG that the LRO sets up, and its good practice for 4P plans (*Delegate*) says the LRO "
    "owns the plan",
    "without having to lead every P in it. socbot maps its roles onto that model:",
    "",
    "- **Gold: `sro`.** Overall responsibility for the force's OCGs, so **any** on every "
    "OCG permission but",
    "  moderation, which is an independent panel's: every plan, every plan's health, and a "
    "copy of each hand-over.",
    "- **Silver: `lro`.** Owns and coordinates one OCG's response, so **own** on everything "
    "about that OCG:",
    "  the plan itself (`plan.write`: aim, Clear/Hold/Build phase, objectives, targets, "
    "decisions, closure),",
    "  its command structure (`plan.team`: P leads, the SIO, analysts and partners on that OCG, "
    "and handing",
    "  the OCG to another LRO), reviews and scoring, actions for every pillar, disruptions, "
    "sensitive marking",
    "  and its audit trail.",
    "- **Bronze: `plead`, and the `sio` as the usual Pursue lead.** Delivers one or more "
    "pillars, so **own** on",
    "  reading the OCG, tasking actions and recording disruptions; changing an action is "
    "kept to their own",
    "  pillar (the SIO: Pursue) by the actions plugin. The SIO also gets `record.sensitive` "
    "because covert",
    "  Pursue work is where sensitivity arises.",
    "- **Oversight outside the model: `coordinator` and `analyst`.** Coordinators chase work in "
    "their area and",
    "  see its plans' health; analysts read every OCG and own the intelligence requirements "
    "raised to them.",
    "",
    "Where socbot differs, and why:",
    "",
    "- **The LRO appoints Bronzes, not Gold or Silver.** On their own OCG the LRO names P "
    "leads, the SIO,",
    "  analysts and partners, and hands the OCG to another LRO (`ocg handover`: the new LRO is "
    "told, the SRO",
    "  copied). Naming an SRO, an acting LRO, and force-wide roles stay with the SRO and "
    "administrators",
    "  (`ocg.admin`, `admin`): they open every OCG, not one.",
    "- **New OCGs are mapped by the SRO or an administrator** (`ocg.admin`), and need an LRO "
    "or a recorded",
    "  decision saying why not: the inspection found plans with no LRO (seed 003).",
    "- **Reviews are Silver's and Gold's only.** Bronzes and the SIO cannot record a review "
    "or change the",
    "  OCG's scoring (`ocg.review`): the guidance makes the LRO accountable to the SRO for the "
    "OCG as a whole.",
    "  An SIO who also acts as LRO (the guidance allows it for sensitive cases) is given the "
    "`lro` role too.",
    "- **Administrators are not in the model.** They run socbot; they may fix an OCG's team "
    "(`plan.team`) when",
    "  its LRO is away, but never write the plan (`plan.write`).",
    "- **Partners may be Bronze, never Gold or Silver.** The guidance says partners may be "
    "better placed to lead",
    "  or deliver work in a P, so the LRO may make a partner a P lead; socbot still keeps them "
    "to the sanitised",
    "  view, whatever other role they hold (the partner cap), and never makes them LRO, SRO "
    "or SIO.",
)


def _roles(grants: dict[str, str], reach: str) -> str:
    found = [r for r in ROLES if grants.get(r) == reach]
    return ", ".join(found) or "-"


def permissions_md() -> str:
    """The text of ``docs/permissions.md``."""
    acl, commands = built_in()
    lines = [
        "# Permissions",
        "",
        "<!-- Generated from the permissions the core (socbot/permissions.py) and the built-in",
        "     plugins register, by socbot/docs_gen.py: do not edit by hand.",
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
        "  those where they or their agency hold an action (plugins say which OCGs their records "
        "open, through",
        "  the `ocg_reach` hook).",
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
        *GOLD_SILVER_BRONZE,
        "",
        "## Matrix",
        "",
        "Each permission is registered by the plugin named in its row (`core`: socbot itself). "
        "A plugin may",
        "add its own; whatever it grants, a partner gets only what the partner column says.",
        "",
        acl.table(),
        "",
        "## Commands",
        "",
        "| command | permission | any OCG | own OCGs | what it does |",
        "|---|---|---|---|---|",
    ]
    for name, permission, summary in commands:
        grants = acl.grants(permission)
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
