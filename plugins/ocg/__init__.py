"""Built-in: OCG lookup, reviews and review-due alerts.

Commands: ``status``, ``list``, ``review``, ``reviews``, ``new``, ``set``, ``close``,
``reopen``. ``set`` (for the plan's own settings), ``close`` and ``reopen`` use the permission
``plan.write``, which the plan plugin registers: load both.
Job: ``review-alerts``. CLI: ``socbot alerts --once [--dry-run]``,
``socbot import ocgs|people FILE.csv``.

Rules from the Home Office LRO guidance (``seeds/001``): "Understanding the OCG threat bands and
scores", "MoRiLE", "Tiers of response" and "Prioritisation mechanism (P-mech)". The work is split
into ``rules`` (pure rules and the review clock), ``status``, ``lists``, ``review`` and
``history``, ``admin``, ``closure``, ``no_lro``, ``store``, ``alerts``, and the CSV imports
(``csv_read``, ``import_ocgs``, ``import_people``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from socbot_plugins.ocg import admin as ocg_admin
from socbot_plugins.ocg import alerts as ocg_alerts
from socbot_plugins.ocg import closure as ocg_closure
from socbot_plugins.ocg import demo as ocg_demo
from socbot_plugins.ocg import digest as ocg_digest
from socbot_plugins.ocg import history as ocg_history
from socbot_plugins.ocg import import_ocgs, import_people
from socbot_plugins.ocg import lists as ocg_lists
from socbot_plugins.ocg import review as ocg_review
from socbot_plugins.ocg import settings as ocg_settings
from socbot_plugins.ocg import status as ocg_status
from sqlmodel import Session

from socbot import CliCommand, CommandSpec, DigestPart, Job, Permission, Withdraw, hookimpl
from socbot.access import Actor
from socbot.clock import Clock
from socbot.context import Context
from socbot.demo import Demo
from socbot.model import Command, Reply
from socbot.registry import Register


@hookimpl
def register_permissions(register: Register) -> None:
    register(
        Permission(
            "ocg.review",
            "record a scheduled or trigger review; change band, tier, MoRiLE, P-mech",
            {"sro": "any", "lro": "own"},
        )
    )
    register(
        Permission(
            "ocg.admin",
            "create and rename OCGs, set their area and status; name their LRO and SRO",
            {"admin": "any", "sro": "any"},
        )
    )


@hookimpl
def register_commands(register: Register) -> None:
    register(
        CommandSpec(
            "status",
            ocg_status.show_status,
            "One OCG at a glance: scores, people, review clock, actions, disruptions",
            usage="status <OCG>",
            examples=("status smith", "status OCG-0042", "status 42"),
            details="Find the OCG by reference (OCG-0042, 0042 or 42), name, alias or the start "
            "of a name. Shows the OCGM band and what it means (harm 1-5, capability A-C), the "
            "MoRiLE score and its age, P-mech, tier and review period, Clear/Hold/Build phase, "
            "who leads, the review clock, open and overdue actions, recent disruptions and "
            "nominal counts. Partners see a shorter view with their own actions.",
        )
    )
    register(
        CommandSpec(
            "list",
            ocg_lists.show_list,
            "The OCGs you can see, highest threat first",
            usage="list [mine] [overdue] [due <days>] [tier N] [band 2B] [area NAME] [pmech]",
            examples=("list", "list mine overdue", "list tier 1 band 1", "list due 14 page 2"),
            details="Filters combine. Sorted by band (1A first), then P-mech, then the most "
            "overdue review.",
            aliases=("ocgs",),
        )
    )
    register(
        CommandSpec(
            "review",
            ocg_review.record_review,
            "Record a scheduled or trigger review: progress per P, scores, next review date",
            usage='review <OCG> [trigger] "what the review found" [pursue="..."] '
            '[prevent="..."] [protect="..."] [prepare="..."] [objectives="4 met; 5 partly"] '
            "[band=2B] [tier=1] [morile=78] [pmech=P2] [on=<date held>] [next=<date>]",
            examples=(
                'review smith "on track: supply line quiet" pursue="two charged, one remanded" '
                'prevent="schools sessions delivered" protect="car wash staff visited"',
                'review OCG-0042 trigger band=2B tier=2 "two principals remanded"',
                'review harbour morile=64 on=yesterday "MoRiLE refreshed at tasking" '
                "next=30/04/2027",
            ),
            permission="ocg.review",
            writes=True,
            details="For the OCG's LRO (or an acting LRO) and the SRO. Say what the review "
            'found, in a few words at least (a one-word review such as "ok" is refused), and '
            "what moved in each P with pursue=, prevent=, protect= and prepare=. Any change of "
            "band, tier, MoRiLE or P-mech needs the reason in the notes, and goes into the "
            "decision log. The reply counts the disruptions since the last review and keeps "
            "the count. The next review is due one tier period after the day held, in calendar "
            "months (tier 1 monthly, tiers 2 and 3 quarterly, tier 4 every six months; 31 Jan "
            "+ 1 month is the end of February); next= may bring it forward, never put it back. "
            "A tier change counts from this review. One scheduled review a day: anything new "
            "since is a trigger review, with what triggered it. A review held more than two "
            "days before it is entered shows both dates, here and in `ocg reviews`. Name the "
            "OCG in one word or in quotes.",
        )
    )
    register(
        CommandSpec(
            "reviews",
            show_reviews,
            "The review calendar, or one OCG's review history",
            usage="reviews [due <days>] [overdue] [mine] | reviews <OCG>",
            examples=("reviews", "reviews overdue", "reviews due 60 mine", "reviews smith"),
        )
    )
    register(
        CommandSpec(
            "new",
            ocg_admin.new_ocg,
            "Add a newly mapped OCG, with its LRO",
            usage='new "<name>" band=2B tier=2 lro=@handle [pmech=P3] [morile=55] [area=NAME] '
            '[sro=@handle] [sio=@handle] [phase=clear|hold|build] [partner="safe name"] '
            '[alias="a;b"] | new "<name>" band=.. tier=.. nolro="why it has no LRO" (the SRO)',
            examples=(
                'new "Canal Street Crew" band=2B tier=2 lro=@okafor area=Portsmouth',
                'new "Quayside Crew" band=3C tier=4 nolro="awaiting allocation at the March '
                'tasking meeting"',
            ),
            permission="ocg.admin",
            writes=True,
            details="For administrators and SROs. Every OCG needs an LRO to own its plan: a new "
            'one without is refused, unless the SRO adds it with nolro="the reason", which '
            "goes into the decision log. It has no Clear, Hold, Build phase until phase= or "
            "`ocg set <OCG> phase` gives one. The first review falls due one tier period from "
            "today.",
        )
    )
    register(
        CommandSpec(
            "set",
            ocg_admin.set_ocg,
            "Set an OCG's phase, SIO and P leads (its LRO); LRO, SRO, name, area (the SRO)",
            usage="set <OCG> sio|pursue|prevent|protect|prepare|intel @handle "
            '[because "why"] | phase clear|hold|build [because "why"] | lro|sro @handle | '
            'delegate @handle until <date> | area NAME | name "..." | partner "..." | alias '
            '"..." | status active|archived|closed',
            examples=(
                'set smith phase hold because "principals remanded; stop others moving in"',
                'set smith prevent @patel because "runs the schools programme"',
                "set smith lro @brennan",
                "set smith delegate @nguyen until 31/03/2027",
            ),
            permission="plan.team",
            writes=True,
            details="The OCG's LRO sets its Clear, Hold, Build phase and appoints its SIO and P "
            "leads; the SRO can set anything on any OCG; administrators everything but the "
            "phase. Handing over the LRO or SRO role, delegating, renaming, the area, the "
            "partner-safe name, aliases and status stay with administrators and the SRO. Every "
            "change of phase, status, lead or role goes into the decision log with the reason "
            'given after `because "..."`; without one it is logged as "no reason given" and '
            "the reply says how to add it (`ocg decide ... corrects=<number>`). A hand-over "
            "ends the old assignment and starts the new one; both stay on record. `none` ends "
            "a role with no successor. Band, tier, MoRiLE and P-mech change only through `ocg "
            "review`, so the reason is kept. A new OCG has no phase until one is set.",
        )
    )
    register(
        CommandSpec(
            "close",
            ocg_closure.close_ocg,
            "Close an OCG's plan: archive it with the reason and the exit strategy",
            usage=ocg_closure.CLOSE_USAGE,
            examples=(ocg_closure.CLOSE_EXAMPLE.format(ref="smith").removeprefix("ocg "),),
            permission="plan.write",
            writes=True,
            details="For the OCG's LRO and the SRO. Both the reason and the exit strategy (who "
            "holds the ground now, what is still watched) are required, in a few words each; "
            "they go into the decision log. An archived OCG has no review due, leaves `list` "
            "and the review calendar, and raises no review alert or chasing of its actions "
            "(those left open are listed so they can be closed or reassigned). `ocg reopen` "
            "brings it back.",
        )
    )
    register(
        CommandSpec(
            "reopen",
            ocg_closure.reopen_ocg,
            "Reopen an archived OCG, with the reason; its review clock starts again",
            usage=ocg_closure.REOPEN_USAGE,
            examples=(ocg_closure.REOPEN_EXAMPLE.format(ref="smith").removeprefix("ocg "),),
            permission="plan.write",
            writes=True,
            details="For the OCG's LRO and the SRO. The reason goes into the decision log; the "
            "next review falls due one tier period from today.",
        )
    )


@hookimpl
def register_jobs(register: Register) -> None:
    register(
        Job(
            ocg_alerts.JOB,
            ocg_alerts.sweep,
            "Tell LROs (and SROs, when long overdue) about reviews falling due",
            every_minutes=60,
        )
    )


@hookimpl
def register_cli(register: Register) -> None:
    register(
        CliCommand(
            "alerts",
            "run one review-alert sweep now (--once), e.g. from cron",
            ocg_alerts.configure_cli,
            ocg_alerts.run_cli,
        )
    )
    register(
        CliCommand.group(
            "import",
            "import OCGs or people from a CSV file (checked first; all or nothing)",
            {"ocgs": import_ocgs.IMPORT.command(), "people": import_people.IMPORT.command()},
        )
    )


def show_reviews(ctx: Context, cmd: Command) -> Reply:
    """The calendar, unless the words name an OCG: then that OCG's history."""
    f = ocg_lists.parse_filters(
        cmd, {"mine", "overdue", "due", "page"}, ocg_lists.REVIEW_FILTERS, keep_rest=True
    )
    if f.rest:
        return ocg_history.review_history(ctx, " ".join(f.rest))
    return ocg_lists.review_calendar(ctx, f)


@hookimpl
def register_settings(register: Register) -> None:
    register(ocg_settings.SETTINGS)


@hookimpl
def load_demo(demo: Demo) -> None:
    ocg_demo.load(demo)


@hookimpl
def register_tables(register: Register) -> None:
    from pathlib import Path

    from socbot_plugins.ocg.models import ImportedValue, Review

    from socbot import Tables

    register(
        Tables(models=(ImportedValue, Review), migrations=Path(__file__).parent / "migrations")
    )


@hookimpl
def digest_sections(
    session: Session,
    viewer: Actor,
    ocg_ids: Collection[int] | None,
    since: datetime | None,
    now: datetime,
) -> list[DigestPart]:
    """Reviews overdue and due soon, and tier changes, for the coordinators' digest."""
    return ocg_digest.sections(session, viewer, ocg_ids, since, now)


@hookimpl
def render_message(
    session: Session,
    kind: str,
    spec: Mapping[str, Any],
    person_id: int | None,
    channel: str | None,
    clock: Clock,
) -> Reply | Withdraw | None:
    """Review alerts are worded at delivery."""
    if kind != ocg_alerts.KIND or person_id is None:
        return None
    return ocg_alerts.render(session, int(spec["ocg"]), dict(spec), person_id, clock)
