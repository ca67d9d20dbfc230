"""Built-in: the papers for the tasking meeting and the SOC board.

``ocg page <OCG>`` (one OCG on a page, police or partner version), ``ocg pack`` (the tasking
meeting pack as a summary card), and on the command line ``socbot export page``,
``socbot pack tasking`` and ``socbot report board``: PDFs marked at the top and bottom of every
page, set by the plan plugin's renderer (``socbot_plugins.plan.export_pdf``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pluggy
from socbot_plugins.papers import chat, cli, minutes, schedule
from sqlmodel import Session

from socbot import CommandSpec, Job, Permission, Reply, Tables, Withdraw, hookimpl
from socbot.clock import Clock
from socbot.registry import Register


@hookimpl
def register_permissions(register: Register) -> None:
    register(
        Permission(
            "papers.pack",
            "read the tasking meeting pack: reviews due, failing plans, overdue actions by owner",
            {"admin": "any", "sro": "any", "coordinator": "own", "analyst": "any"},
        )
    )
    register(
        Permission(
            "papers.schedule",
            "schedule the tasking pack or the board report to a channel",
            {"admin": "any", "sro": "any", "coordinator": "any"},
        )
    )
    register(
        Permission(
            "papers.minutes",
            "record the tasking meeting's minutes for an OCG and the actions it agreed",
            {"sro": "any", "lro": "own", "coordinator": "own"},
        )
    )


@hookimpl
def register_commands(register: Register) -> None:
    register(
        CommandSpec(
            "page",
            chat.show_page,
            "One OCG on a page for the tasking meeting: scores, review, health, 4P progress",
            usage="page <OCG>",
            examples=("page smith", "page OCG-0002"),
            details="Scores and their trend at reviews, the review clock, plan health, each "
            "pillar's objectives and actions, disruptions since the last review with grades, key "
            "decisions and what is asked of the meeting. Partners get the partner version: no "
            "names, no sensitive work, no intelligence. `socbot export page <OCG> --out F.pdf "
            "[--partner]` makes the PDF.",
        )
    )
    register(
        CommandSpec(
            "pack",
            chat.show_pack,
            "The tasking meeting pack in brief: agenda, reviews due, failing plans, overdue work",
            usage="pack [area NAME]",
            examples=("pack", "pack area Portsmouth"),
            permission="papers.pack",
            details="For the SRO and SOC coordinators. `socbot pack tasking --out pack.pdf` makes "
            "the full pack, with one OCG on a page per OCG on the agenda.",
        )
    )
    for verb, handler, summary, usage in (
        (
            "schedule",
            schedule.add,
            "Post the pack or the board report to a channel on a schedule",
            schedule.USAGE,
        ),
        ("schedules", schedule.listing, "The papers scheduled, with their next run", "schedules"),
        ("unschedule", schedule.remove, "Stop a scheduled paper", "unschedule <number>"),
    ):
        register(
            CommandSpec(
                verb,
                handler,
                summary,
                usage=usage,
                examples=(
                    "schedule pack tasking every first monday 08:00 to #soc-coordinators",
                    "schedule report board monthly on the 1st 07:30 to #soc-board",
                )
                if verb == "schedule"
                else (usage.replace("<number>", "1"),),
                permission="papers.schedule",
                details="Rules: every first monday 08:00, every monday 08:00, monthly on the "
                "1st 08:00, every weekday 08:00 (UK time). Each run is posted once, with its "
                "figures as at the moment it is sent."
                if verb == "schedule"
                else "",
                writes=verb != "schedules",
            )
        )
    register(
        CommandSpec(
            "minutes",
            minutes.record,
            "Record the tasking meeting's outcome for an OCG, and the actions it agreed",
            usage=minutes.USAGE,
            examples=(
                'minutes smith "agreed to target the car wash first" action: @nguyen pursue '
                '"apply for a cash seizure" due 12/03/2027',
                'minutes OCG-0002 "review moved to April" partner=yes',
            ),
            permission="papers.minutes",
            details="For the OCG's LRO, its SRO and coordinators. The outcome goes into the "
            "decision log as a minutes entry and onto `ocg page` as the last meeting's outcome; "
            "partners read it only with partner=yes. Each `action:` part is an action as "
            "`ocg action` takes it (owner, pillar, what, due date; sensitive=yes and nominal= "
            "too). If any one is wrong, nothing at all is recorded.",
            writes=True,
        )
    )


@hookimpl
def register_tables(register: Register) -> None:
    register(
        Tables(models=(schedule.PaperSchedule,), migrations=Path(__file__).parent / "migrations")
    )


@hookimpl
def register_jobs(register: Register) -> None:
    register(
        Job(
            "paper-schedules",
            schedule.sweep,
            "Post each scheduled paper (`ocg schedule`) once per run, worded at delivery",
            every_minutes=15,
            working_hours_only=False,
        )
    )


@hookimpl
def render_message(
    session: Session,
    kind: str,
    spec: Mapping[str, Any],
    person_id: int | None,
    channel: str | None,
    clock: Clock,
    hooks: pluggy.HookRelay,
) -> Reply | Withdraw | None:
    return schedule.render(session, spec, clock) if kind == schedule.KIND else None


@hookimpl
def register_cli(register: Register) -> None:
    for command in cli.commands():
        register(command)
