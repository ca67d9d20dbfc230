"""Built-in: the 4P plan of each OCG and its decision log.

The plan is the LRO's product (seed 001, "Developing your response", "Written records",
"Delegate"): aim, Hold and Build intentions, objectives and a lead per pillar, intelligence
requirements, business-model targets, and every decision with its rationale.
"""

from __future__ import annotations

from pathlib import Path

from socbot_plugins.plan import decisions

from socbot import CommandSpec, Permission, Tables, hookimpl
from socbot.context import Context
from socbot.events import Event
from socbot.registry import Register


@hookimpl
def register_permissions(register: Register) -> None:
    register(
        Permission(
            "plan.write",
            "write an OCG's 4P plan: aim, phase, objectives, targets, intelligence "
            "requirements, decisions; close and reopen it",
            {"sro": "any", "lro": "own"},
        )
    )
    register(
        Permission(
            "plan.team",
            "appoint an OCG's P leads, SIO, analysts and partners; hand the OCG to another LRO",
            {"admin": "any", "sro": "any", "lro": "own"},
        )
    )


@hookimpl
def register_commands(register: Register) -> None:
    register(
        CommandSpec(
            "decide",
            decisions.decide,
            "Record a decision on an OCG's plan with its rationale, or what is deliberately "
            "not done",
            usage=decisions.USAGE,
            examples=(
                'decide smith "target the car wash first" because "it launders most of the cash"',
                'decide smith not prepare "no exit work yet" because "principals on remand"',
                'decide smith "work with the council on licensing" because "shared aim" '
                "partner=yes",
            ),
            permission="plan.write",
            writes=True,
            details="A rationale is required. `not` records what is deliberately not being "
            "done, or why a strand can't be developed. Entries are never edited: to correct "
            "one, record a new entry with corrects=<its number>. partner=yes lets partners "
            "read the entry; they see no other.",
        )
    )
    register(
        CommandSpec(
            "decisions",
            decisions.show_log,
            "An OCG's decision log, newest first",
            usage="decisions <OCG> [<pillar>] [not]",
            examples=("decisions smith", "decisions smith prevent", "decisions smith not"),
        )
    )


@hookimpl
def on_event(ctx: Context, event: Event) -> None:
    decisions.on_event(ctx, event)


@hookimpl
def register_tables(register: Register) -> None:
    from socbot_plugins.plan import models

    register(
        Tables(
            models=(
                models.Plan,
                models.Objective,
                models.Decision,
                models.IntelRequirement,
                models.Target,
            ),
            migrations=Path(__file__).parent / "migrations",
        )
    )
