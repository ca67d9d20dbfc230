"""Built-in plugin 'nominals': the named members of an OCG, police-only.

Commands: ``nominal add|regrade|alias|status|link``, ``nominals <OCG>``. CLI:
``socbot import nominals FILE.csv``. Hook: ``nominal_aliases`` (so an alias is withheld from
partners, and found, like the name). The nominals are the core's ``Nominal`` table; this plugin adds
their aliases (``nominal_alias``) and the commands, and links a nominal to actions and
disruptions (a disruption's own ``nominal_id``; ``nominal_action`` rows for actions).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from socbot_plugins.nominals import commands, csv_import, link, listing, store
from socbot_plugins.nominals import demo as nominals_demo
from socbot_plugins.nominals.models import NominalAction, NominalAlias
from sqlmodel import Session

from socbot import ActionRecorded, CliCommand, CommandSpec, Event, Permission, Tables, hookimpl
from socbot.context import Context
from socbot.demo import Demo
from socbot.registry import Register


@hookimpl
def register_permissions(register: Register) -> None:
    register(
        Permission(
            "nominal.read",
            "see an OCG's nominals, their aliases and status (police only)",
            {
                "admin": "any",
                "sro": "any",
                "analyst": "any",
                "moderator": "any",
                "lro": "own",
                "sio": "own",
                "plead": "own",
                "coordinator": "own",
            },
        )
    )
    register(
        Permission(
            "nominal.write",
            "add, regrade, alias, change the status of and link nominals (police only)",
            {"sro": "any", "analyst": "any", "lro": "own", "sio": "own"},
        )
    )


@hookimpl
def register_commands(register: Register) -> None:
    register(
        CommandSpec(
            "nominal",
            commands.run,
            "Add a nominal to an OCG; regrade, alias, change status, link to a record",
            usage=commands.USAGE,
            examples=(
                'nominal add smith "Jayden Reece" significant alias="JR Junior;Jayd"',
                'nominal regrade "Jayden Reece" principal "took over supply after the arrests"',
                'nominal alias 12 "Daz"',
                'nominal status "Jayden Reece" left the group "moved to Spain"',
                "nominal link Daz action 31",
                "nominal link 12 disruption 7",
            ),
            permission="nominal.write",
            writes=True,
            details="For the OCG's LRO and SIO, the SRO and analysts. A nominal is found by id, "
            "full name, alias or part of a name, among the OCGs you may change; if that fits "
            "several you are shown them. Roles: principal, significant, peripheral. Statuses: "
            "active, remanded, convicted, left (the group), deceased. A regrade needs a "
            "reason; the reason and any status note are kept in the audit trail. Names and "
            "aliases are withheld from everything partners read, including what was written "
            "before they were added. `disrupt ... nominal=` and `action ... nominal=` take an "
            "alias too.",
        )
    )
    register(
        CommandSpec(
            "nominals",
            listing.show,
            "An OCG's nominals: principals first, with aliases, status and linked records",
            usage="nominals <OCG>",
            examples=("nominals smith", "nominals OCG-0001"),
            permission="nominal.read",
        )
    )


@hookimpl
def register_cli(register: Register) -> None:
    register(
        CliCommand.group(
            "import",
            "import from a CSV file (checked first; all or nothing)",
            {"nominals": csv_import.IMPORT.command()},
        )
    )


@hookimpl
def register_tables(register: Register) -> None:
    register(
        Tables(
            models=(NominalAlias, NominalAction), migrations=Path(__file__).parent / "migrations"
        )
    )


@hookimpl
def nominal_aliases(session: Session, ocg_ids: Sequence[int]) -> Iterable[tuple[int, str]]:
    return store.aliases_by_ocg(session, ocg_ids)


@hookimpl
def on_event(ctx: Context, event: Event) -> None:
    if isinstance(event, ActionRecorded) and event.nominal is not None:
        link.add_action_link(ctx, event.nominal, event.action)


@hookimpl
def load_demo(demo: Demo) -> None:
    nominals_demo.load(demo)
