"""Chasing overdue actions so LROs stop doing it by hand: owner nudges, coordinator digests and
escalations to the LRO, sent through the outbox. Nudges and escalations are planned from a few
columns and queued a batch of recipients at a time, each batch in its own short transaction.

Each message has a unique outbox key per recipient and London day, so two sweeps at once (two
replicas, or the scheduler and ``socbot nudge --once``) queue it once: the loser's insert waits
for the winner's commit and then does nothing. Sweeps read only the overdue slice through
``ix_action_open_due`` and batch every other lookup, so their cost follows the overdue count.
"""

from __future__ import annotations

import time as wallclock
from argparse import ArgumentParser, Namespace
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pluggy
from socbot_plugins.actions import digest, escalate, notices, nudge
from socbot_plugins.actions.digest import run_digest
from socbot_plugins.actions.escalate import run_escalations
from socbot_plugins.actions.nudge import run_nudges
from socbot_plugins.actions.overdue import overdue_query
from sqlmodel import Session

from socbot import CliCommand, Job, Reply, Withdraw
from socbot.clock import Clock

if TYPE_CHECKING:
    from socbot import BotApi

__all__ = ["SWEEP", "batches", "cli", "jobs", "overdue_query", "render", "sweep"]


def jobs() -> list[Job]:
    return [
        Job(
            "action-nudges",
            run_nudges,
            "Remind owners of overdue actions: the 1st, 2nd and 4th working day overdue, then "
            "weekly, until seen; one message per person a day",
            every_minutes=30,
        ),
        Job(
            "action-digest",
            run_digest,
            "Coordinators' digest of what changed: overdue actions, reviews, moderation, tier "
            "changes, plan health; nothing on a quiet day",
            every_minutes=60,
        ),
        Job(
            "action-escalations",
            run_escalations,
            "Raise long-overdue actions with the OCG's LRO, once and then weekly",
            every_minutes=60,
        ),
    ]


def render(
    session: Session,
    kind: str,
    spec: dict[str, Any],
    person_id: int | None,
    channel: str | None,
    clock: Clock,
    hooks: pluggy.HookRelay,
) -> Reply | Withdraw | None:
    """Word one of this plugin's messages at delivery (None: not one of ours)."""
    if kind == digest.KIND:
        return digest.render(session, spec, person_id, channel, clock, hooks)
    if person_id is None:
        return None
    if kind == "nudge":
        return nudge.render(session, spec, person_id, clock)
    if kind == "escalation":
        return escalate.render(session, spec, person_id, clock)
    if kind == notices.KIND:
        return notices.render(session, spec, person_id, clock)
    return None


SWEEP = ("action-nudges", "action-digest", "action-escalations")


def cli() -> CliCommand:
    return CliCommand(
        "nudge",
        "chase overdue actions now: owner nudges, coordinator digests, LRO escalations",
        _configure,
        _run,
    )


def _configure(parser: ArgumentParser) -> None:
    parser.add_argument("--once", action="store_true", help="one sweep, then exit")
    parser.add_argument("--dry-run", action="store_true", help="show what would be sent")
    parser.add_argument(
        "--every", type=int, default=15, metavar="MINUTES", help="without --once: sweep interval"
    )


def sweep(bot: BotApi, *, dry_run: bool = False) -> list[str]:
    """One of each chasing job, each batch in its own transaction."""
    return [line for _, lines in batches(bot, dry_run=dry_run) for line in lines]


def batches(bot: BotApi, *, dry_run: bool = False) -> Iterator[tuple[str, list[str]]]:
    """(job, lines) for each batch of each chasing job, once the batch is committed."""
    for name in SWEEP:
        for lines in bot.run_job_batches(name, dry_run=dry_run):
            yield name, lines


def _run(bot: BotApi, args: Namespace) -> int:
    while True:
        now = bot.clock.now()
        if args.once or args.dry_run or bot.in_working_hours(now):
            total = _sweep_printing(bot, dry_run=args.dry_run)
            if args.dry_run:
                print("dry run: nothing was queued")
            elif not total:
                working = now.weekday() in bot.settings.working_days
                print(
                    "nothing to send: everyone has been chased today"
                    if working
                    else "nothing to send: today is not a working day"
                )
        if args.once or args.dry_run:
            return 0
        wallclock.sleep(max(args.every, 1) * 60)


def _sweep_printing(bot: BotApi, *, dry_run: bool) -> int:
    """Print each batch's lines as it is committed, then a progress line: a sweep killed half
    way has said what it queued. Returns how many messages it decided."""
    total = 0
    counts: dict[str, int] = {}
    for name, lines in batches(bot, dry_run=dry_run):
        for line in lines:
            print(line)
        total += len(lines)
        counts[name] = counts.get(name, 0) + 1
        if lines:
            verb = "decided" if dry_run else "queued and committed"
            print(
                f"-- {name} batch {counts[name]}: {len(lines)} {verb} ({total} so far)", flush=True
            )
    return total
