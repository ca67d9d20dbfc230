"""Scheduled papers: ``ocg schedule pack tasking every first monday 08:00 to #soc-coordinators``,
``ocg schedules``, ``ocg unschedule N``, and the sweep that queues each due run.

Each run is one outbox message keyed ``paper:<schedule id>:<run date>``: two sweeps, two
replicas or a restart queue it once. The message is worded at delivery (``render``), so the pack
posted on Monday morning holds Monday morning's figures, not those of when it was queued.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from socbot_plugins.papers import board, pack, recur
from sqlmodel import Field, Session, SQLModel, col, select

from socbot import Withdraw, channels
from socbot.clock import Clock, local, say_when
from socbot.context import Context
from socbot.model import Command, CommandError, Fact, Item, Reply, Section, Severity

KIND = "paper"
PAPERS = {"pack tasking": "the tasking meeting pack", "report board": "the SOC board report"}
USAGE = "schedule pack tasking|report board <when> to #channel [area NAME]"
PAPER = channels.OFFICIAL_SENSITIVE  # every paper's marking (the partner page is not scheduled)
CATCH_UP = timedelta(hours=6)  # a run missed for longer (the bot was down) is skipped


class PaperSchedule(SQLModel, table=True):
    """One paper posted to a channel on a rule (``recur``), until unscheduled."""

    id: int | None = Field(default=None, primary_key=True)
    paper: str  # "pack tasking" | "report board"
    rule: str  # as typed: "every first monday 08:00"
    channel: str
    area: str | None = None
    created_at: datetime
    by_id: int = Field(foreign_key="person.id")
    active: bool = True


def add(ctx: Context, cmd: Command) -> Reply:
    """``schedule pack tasking every first monday 08:00 to #soc-coordinators [area X]``."""
    words = list(cmd.args)
    paper = " ".join(w.lower() for w in words[:2])
    if paper not in PAPERS:
        raise CommandError(f"Which paper? `ocg {USAGE}`.", field="paper")
    rest = words[2:]
    lowered = [w.lower() for w in rest]
    area = cmd.options.get("area")
    if "area" in lowered:
        at = lowered.index("area")
        area, rest, lowered = " ".join(rest[at + 1 :]) or None, rest[:at], lowered[:at]
    if "to" not in lowered or lowered.index("to") == len(rest) - 1:
        raise CommandError(
            "Where to? End with the channel: `to #soc-coordinators`.", field="channel"
        )
    at = len(lowered) - 1 - lowered[::-1].index("to")
    channel = " ".join(rest[at + 1 :]).strip()
    rule = recur.parse(" ".join(rest[:at]))
    unfit = unfit_channel(ctx.session, channel)
    if unfit:
        raise CommandError(unfit, field="channel")
    entry = PaperSchedule(
        paper=paper,
        rule=" ".join(rest[:at]),
        channel=channel,
        area=area,
        created_at=ctx.utcnow(),
        by_id=ctx.actor.id or 0,
    )
    ctx.session.add(entry)
    ctx.session.flush()
    return Reply(
        title=f"Scheduled #{entry.id}: {PAPERS[paper]} to {channel}",
        text=f"{_upper_first(recur.describe(rule))} (UK time). First: "
        f"{say_when(rule.next(ctx.now()))}.",
        facts=[Fact("Area", area or "every area")],
        severity=Severity.SUCCESS,
    )


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def listing(ctx: Context, cmd: Command) -> Reply:
    rows = ctx.session.exec(
        select(PaperSchedule).where(col(PaperSchedule.active)).order_by(col(PaperSchedule.id))
    ).all()
    items = [_item(s, recur.parse(s.rule), ctx.now()) for s in rows]
    return Reply(
        title="Scheduled papers",
        sections=[Section(items=items)] if items else [Section(text=f"None. `ocg {USAGE}`")],
    )


def _item(s: PaperSchedule, rule: recur.Rule, now: datetime) -> Item:
    where = f" (area {s.area})" if s.area else ""
    return Item(
        f"#{s.id} {PAPERS[s.paper]} to {s.channel}{where}",
        f"{recur.describe(rule)}; next {say_when(rule.next(now))}",
    )


def remove(ctx: Context, cmd: Command) -> Reply:
    from socbot.parser import record_number

    number = record_number(cmd.args[0]) if cmd.args else None
    found = ctx.session.get(PaperSchedule, number) if number is not None else None
    if found is None or not found.active:
        raise CommandError(
            "Which schedule? `ocg schedules` lists them with their numbers.", field="id"
        )
    found.active = False
    ctx.session.add(found)
    return Reply(
        title=f"Unscheduled #{found.id}: {PAPERS[found.paper]} to {found.channel}",
        severity=Severity.SUCCESS,
    )


def unfit_channel(session: Session, channel: str) -> str | None:
    """Why ``channel`` may not carry a paper (each is OFFICIAL-SENSITIVE: it names the force's
    OCGs and people), or None. An admin marks a channel secure, with its ceiling, on the
    platform it lives on; a paper is posted only where that was done."""
    if channels.carries(session, channel, PAPER):
        return None
    name = channels.bare(channel)
    return (
        f"Papers are {PAPER} and {channel} isn't marked secure for that. An admin can run "
        f"`channel secure {name}` there (and `channel ceiling OFFICIAL-SENSITIVE {name}`)."
    )


def sweep(ctx: Context, dry_run: bool) -> list[str]:
    """Queue each schedule's latest run if it fell due in the last few hours; once per run."""
    now = ctx.now()
    lines: list[str] = []
    for s in ctx.session.exec(select(PaperSchedule).where(col(PaperSchedule.active))).all():
        run = recur.parse(s.rule).latest(now)
        if run is None or now - run > CATCH_UP or local(s.created_at) > run:
            continue
        key = f"{KIND}:{s.id}:{run.date().isoformat()}"
        line = f"to {s.channel}: {PAPERS[s.paper]} (schedule #{s.id}, run {run:%Y-%m-%d %H:%M})"
        if dry_run:
            lines.append(line)
            continue
        spec = {"schedule": s.id, "run": run.isoformat()}
        reply = Reply(title=f"{PAPERS[s.paper].capitalize()}", text="(worded when it is sent)")
        if ctx.notify(key=key, kind=KIND, reply=reply, channel=s.channel, render=spec):
            lines.append(line)
    return lines


def render(session: Session, spec: Mapping[str, Any], clock: Clock) -> Reply | Withdraw:
    """The paper as it stands at delivery; withdrawn if it was unscheduled meanwhile."""
    found = session.get(PaperSchedule, int(spec.get("schedule", 0)))
    if found is None or not found.active:
        return Withdraw("the schedule was removed before the paper was sent")
    unfit = unfit_channel(session, found.channel)
    if unfit:  # the channel was marked insecure, or its ceiling lowered, since it was scheduled
        return Withdraw(unfit)
    now = clock.now()
    folder = Path(tempfile.gettempdir()) / "socbot-papers"
    folder.mkdir(exist_ok=True)
    stem = f"{found.paper.replace(' ', '-')}-{now:%Y-%m-%d}-{found.id}"
    if found.paper == "pack tasking":
        made = pack.load(session, now, area=found.area, pages=True)
        reply = pack.card(made)
        doc = pack.as_document(made)
    else:
        end = now.date().replace(day=1) - timedelta(days=1)  # last month, whole
        figures = board.load(session, end.replace(day=1), end, now)
        reply = Reply(title="SOC board report", text=board.summary(figures))
        doc = board.as_document(figures, board.draw_charts(figures, folder / f"{stem}.charts"))
    out = folder / f"{stem}.pdf"
    from socbot_plugins.plan.export_pdf import render_document  # ReportLab: only when posting

    out.write_bytes(render_document(doc, creator=f"socbot schedule #{found.id}"))
    reply.files, reply.classification = [out], doc.marking
    reply.context = f"Scheduled #{found.id} ({found.rule}); as at {say_when(now)}; {doc.marking}"
    return reply
