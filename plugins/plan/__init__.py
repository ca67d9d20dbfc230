"""Built-in: the 4P plan of each OCG and its decision log.

The plan is the LRO's product (seed 001, "Developing your response", "Written records",
"Delegate"): aim, Hold and Build intentions, objectives and a lead per pillar, intelligence
requirements, business-model targets, and every decision with its rationale.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from socbot_plugins.plan import (
    commands,
    decisions,
    export,
    forms,
    health,
    intel,
    objectives,
    team,
)
from socbot_plugins.plan import demo as plan_demo
from socbot_plugins.plan import digest as plan_digest
from sqlmodel import Session

from socbot import CommandSpec, DigestPart, Job, Ocg, Permission, Reply, Tables, Withdraw, hookimpl
from socbot.access import Actor
from socbot.clock import Clock
from socbot.context import Context
from socbot.demo import Demo
from socbot.events import Event, ReviewRecorded
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
    register(
        Permission(
            "plan.intel",
            "raise an intelligence requirement, record its collection plan and response, close it",
            {"sro": "any", "lro": "own", "analyst": "any"},
        )
    )
    register(
        Permission(
            "plan.health",
            "see which OCGs' plans fail the health checks (no LRO, no aim, Pursue only...)",
            {"admin": "any", "sro": "any", "lro": "own", "coordinator": "own", "analyst": "any"},
        )
    )


@hookimpl
def register_jobs(register: Register) -> None:
    register(
        Job(
            health.JOB,
            health.sweep,
            "Tell each LRO, once a week, which of their plans fail a health check",
            every_minutes=60,
        )
    )


@hookimpl
def register_commands(register: Register) -> None:
    register(
        CommandSpec(
            "health",
            health.show_health,
            "Which OCGs' plans fail a health check, worst first",
            usage="health [mine|area NAME|all]",
            examples=("health", "health area Portsmouth", "health all"),
            permission="plan.health",
            details="Checks: no LRO; no aim; a pillar with no objective and no decision saying "
            "why not; no Prevent, Protect or Prepare work (open or done) this review period; "
            "actions closed with no result; review overdue; nothing recorded for 60 days. An "
            "LRO sees their own OCGs by default; the SRO sees every OCG. Archived OCGs are "
            "left out.",
        )
    )
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
            "plan",
            commands.plan,
            "An OCG's 4P plan, or set its aim, Hold and Build intentions and targets",
            usage=commands.USAGE,
            examples=(
                "plan smith",
                'plan smith aim "dismantle the supply into Fratton and stop child recruitment"',
                'plan smith hold "licensing checks on the car wash once the principals are held"',
                'plan smith target "the car wash on Fratton Road" category=business',
            ),
            permission="ocg.read",
            writes=True,
            details="Shows the aim, the Clear/Hold/Build intentions, each pillar's lead, "
            "objectives, open and completed actions with results, strands not developed and "
            "why, nominals in focus, targets, partners tasked, intelligence requirements and the "
            "latest decisions. Setting a part needs `plan.write` (the OCG's LRO, the SRO); "
            'replacing what was there needs `because "..."`. Partners see their own actions and '
            "the decisions written for partners.",
        )
    )
    register(
        CommandSpec(
            "objective",
            objectives.objective,
            "Set a SMART objective under a pillar, or record how one went",
            usage=objectives.USAGE,
            examples=(
                'objective smith prevent "divert the two youngest siblings" '
                'measure="both engaged with the scheme" by 31/03/2027 level=secondary',
                'objective 4 met "both attend weekly"',
            ),
            permission="plan.write",
            writes=True,
        )
    )
    register(
        CommandSpec(
            "lead",
            team.lead,
            "Name the lead of one pillar of an OCG's plan (a P lead)",
            usage=team.LEAD_USAGE,
            examples=("lead smith prevent @patel", 'lead smith protect @evans because "licensing"'),
            permission="plan.team",
            writes=True,
        )
    )
    register(
        CommandSpec(
            "team",
            team.team,
            "Who holds a role on an OCG; the LRO gives or ends SIO, analyst and partner roles",
            usage=team.TEAM_USAGE,
            examples=("team smith", "team smith analyst @khan", "team smith partner @ford off"),
            permission="plan.team",
            writes=True,
        )
    )
    register(
        CommandSpec(
            "handover",
            team.handover,
            "Hand an OCG to another LRO with a note; they are told and the SRO copied",
            usage=team.HANDOVER_USAGE,
            examples=(
                'handover smith @brennan "plan reviewed 1 Mar; cash seizure hearing 14 Apr"',
            ),
            permission="plan.team",
            writes=True,
        )
    )
    register(
        CommandSpec(
            "intel",
            intel.intel,
            "Raise an intelligence requirement for an analyst, record the response, close it",
            usage=intel.USAGE,
            examples=(
                'intel smith "who supplies the cash to the car wash?" @khan',
                'intel 3 response "two couriers identified, see report 41"',
                'intel 3 close "answered at tasking"',
            ),
            permission="plan.intel",
            writes=True,
            details="The LRO, the SRO and analysts raise them; the analyst named owns it (police "
            "only), records the collection plan and the response, and closes it. Partners never "
            "see requirements.",
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
def register_forms(register: Register) -> None:
    for spec in forms.specs():
        register(spec)


@hookimpl
def register_cli(register: Register) -> None:
    register(export.cli())


@hookimpl
def on_event(ctx: Context, event: Event) -> None:
    decisions.on_event(ctx, event)
    if isinstance(event, ReviewRecorded) and (event.review.progress or {}).get("objectives"):
        ocg = ctx.session.get(Ocg, event.review.ocg_id)
        if ocg is not None:
            objectives.at_review(ctx, ocg, event.review.progress["objectives"])


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


@hookimpl
def load_demo(demo: Demo) -> None:
    plan_demo.load(demo)


@hookimpl
def digest_sections(
    session: Session,
    viewer: Actor,
    ocg_ids: Collection[int] | None,
    since: datetime | None,
    now: datetime,
) -> list[DigestPart]:
    """Plan-health failures, for the coordinators' digest."""
    return plan_digest.sections(session, viewer, ocg_ids, now)


@hookimpl
def render_message(
    session: Session,
    kind: str,
    spec: Mapping[str, Any],
    person_id: int | None,
    channel: str | None,
    clock: Clock,
) -> Reply | Withdraw | None:
    """The weekly plan-health nudge is worded at delivery."""
    if kind != health.JOB or person_id is None:
        return None
    return health.render(session, dict(spec), person_id, clock)
