"""Review-due alerts: a job (``review-alerts``) and ``socbot alerts --once [--dry-run]``.

The LRO hears ``review_alert_days`` (``SOCBOT_PLUGIN__OCG__REVIEW_ALERT_DAYS``) before the due
date, again the day it falls overdue and then weekly; the SRO joins after
``review_escalate_days``. Each alert has an outbox key naming the OCG, the due date it is about,
the stage and the week, so a sweep run twice, overlapping itself or on two replicas queues it
once: the insert is ``ON CONFLICT DO NOTHING`` in the deciding transaction. An alert is worded
at delivery (``render``), and withdrawn if the review was recorded before it went.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from socbot_plugins.ocg import rules
from socbot_plugins.ocg.settings import OcgSettings
from sqlalchemy import or_
from sqlmodel import Session, col, select

from socbot import REVIEW_MONTHS, Assignment, Ocg, Outbox, Person, Withdraw
from socbot.clock import Clock
from socbot.context import Context
from socbot.model import Button, Reply, Severity

if TYPE_CHECKING:
    from socbot import BotApi

JOB = "review-alerts"
KIND = "review-alert"


@dataclass(frozen=True)
class Alert:
    ocg: Ocg
    person: Person
    stage: str  # before | overdue | escalation
    week: int
    note: str | None = None

    @property
    def key(self) -> str:
        due = self.ocg.next_review_due.isoformat()
        return f"{KIND}:{self.ocg.id}:{due}:{self.stage}:w{self.week}:p{self.person.id}"


def stages(due: date, today: date, alert_days: int, escalate_days: int) -> list[tuple[str, int]]:
    """Which alerts are due today for a review due on ``due``: (stage, week) pairs.

    The week number makes "weekly while overdue" a new key each seven days, and a sweep that
    missed some days sends the current week's alert once rather than catching up on all.
    """
    days = (due - today).days
    if 0 <= days <= alert_days:
        return [("before", 0)]
    if days >= 0:
        return []
    late = -days
    found = [("overdue", (late - 1) // 7)]
    if late >= escalate_days:
        found.append(("escalation", (late - escalate_days) // 7))
    return found


def sweep(ctx: Context, dry_run: bool) -> list[str]:
    """Decide today's alerts and queue the new ones; returns ``to @handle: ...`` lines."""
    s, today = ctx.plugin_settings("ocg", OcgSettings), ctx.today()
    horizon = today + timedelta(days=s.review_alert_days)
    ocgs = ctx.session.exec(
        select(Ocg)
        .where(Ocg.status == "active", Ocg.next_review_due <= horizon)
        .order_by(Ocg.next_review_due, Ocg.ref)  # type: ignore[arg-type]
    ).all()
    plan = {
        o.id: stages(o.next_review_due, today, s.review_alert_days, s.review_escalate_days)
        for o in ocgs
    }
    plan = {k: v for k, v in plan.items() if v}
    if not plan:
        return []
    lros, sros = _recipients(ctx.session, ctx.utcnow(), list(plan))
    alerts: list[Alert] = []
    lines: list[str] = []
    for ocg in ocgs:
        for stage, week in plan.get(ocg.id, []):
            to, note = _who(ocg, stage, lros, sros)
            if not to:
                lines.append(f"no one to tell: {ocg.ref} has no LRO or SRO named")
            alerts += [Alert(ocg, p, stage, week, note) for p in to]
    sent = _already_queued(ctx, [a.key for a in alerts])
    todo = {a.key: a for a in alerts if a.key not in sent}  # in a stable order: see enqueue_many
    messages = [
        {
            "key": key,
            "kind": KIND,
            "reply": _message(a, today, lros.get(a.ocg.id or 0, []), s.review_escalate_days),
            "person_id": a.person.id,
            "ocg_id": a.ocg.id,
            "note": a.note,
            "render": {
                "ocg": a.ocg.id,
                "due": a.ocg.next_review_due.isoformat(),
                "stage": a.stage,
                "week": a.week,
                "note": a.note,
                "escalate_days": s.review_escalate_days,
            },
        }
        for key, a in todo.items()
    ]
    # One statement for all: ON CONFLICT DO NOTHING still queues each key once, however many
    # sweeps run at once, and only the keys this one queued are reported.
    queued = ctx.notify_many(messages)
    lines += [
        f"to @{a.person.handle}: {_one_line(a, today)}" for k, a in todo.items() if k in queued
    ]
    return lines


def render(
    session: Session, ocg_id: int, spec: dict[str, Any], person_id: int, clock: Clock
) -> Reply | Withdraw:
    """The alert as it reads at delivery (today's days overdue), or withdrawn once the review
    it was about is recorded (the OCG's next review is another day)."""
    ocg, person = session.get(Ocg, ocg_id), session.get(Person, person_id)
    if ocg is None or person is None or not person.active:
        return Withdraw("the OCG or the person is gone")
    if ocg.next_review_due.isoformat() != spec["due"]:
        return Withdraw(f"the review was recorded: the next is due {ocg.next_review_due}")
    lros = _recipients(session, clock.utcnow(), [ocg.id])[0].get(ocg.id or 0, [])
    alert = Alert(ocg, person, spec["stage"], spec["week"], spec.get("note"))
    return _message(alert, clock.today(), lros, int(spec["escalate_days"]))


def _recipients(
    session: Session, now: datetime, ocg_ids: list[int | None]
) -> tuple[dict[int, list[Person]], dict[int, list[Person]]]:
    """Current LROs and SROs of the OCGs (force-wide SROs stand in), in one query."""
    rows = session.exec(
        select(Assignment.ocg_id, Assignment.role, Person)
        .join(Person, Assignment.person_id == Person.id)  # type: ignore[arg-type]
        .where(
            or_(
                Assignment.ocg_id.in_(ocg_ids),  # type: ignore[union-attr]
                Assignment.ocg_id.is_(None) & (Assignment.role == "sro"),  # type: ignore[union-attr]
            ),
            Assignment.role.in_(("lro", "sro")),  # type: ignore[attr-defined]
            Assignment.started_at <= now,
            or_(col(Assignment.ended_at).is_(None), col(Assignment.ended_at) > now),
            Person.active,
        )
        .order_by(Person.handle)
    ).all()
    lros: dict[int, list[Person]] = {}
    sros: dict[int, list[Person]] = {}
    for ocg_id, role, person in rows:
        bucket = lros if role == "lro" else sros
        people = bucket.setdefault(ocg_id or 0, [])  # 0: force-wide
        if person.id not in {p.id for p in people}:
            people.append(person)
    return lros, sros


def _who(
    ocg: Ocg, stage: str, lros: dict[int, list[Person]], sros: dict[int, list[Person]]
) -> tuple[list[Person], str | None]:
    sro = sros.get(ocg.id or 0) or sros.get(0, [])
    if stage == "escalation":
        return sro, None
    lro = lros.get(ocg.id or 0, [])
    if lro:
        return lro, None
    return sro, "sent to the SRO: the OCG has no LRO named"


def _already_queued(ctx: Context, keys: list[str]) -> set[str]:
    """Keys decided before: skipped without building a message (the insert guards the rest)."""
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        found |= set(ctx.session.exec(select(Outbox.key).where(Outbox.key.in_(chunk))).all())  # type: ignore[attr-defined]
    return found


def _one_line(alert: Alert, today: date) -> str:
    ocg = alert.ocg
    phrase = rules.due_phrase(ocg.next_review_due, today)
    extra = " (you are the SRO)" if alert.stage == "escalation" else ""
    return f"{ocg.ref} {ocg.name}: review {phrase}{extra}"


def _message(alert: Alert, today: date, lros: list[Person], escalate_days: int) -> Reply:
    ocg = alert.ocg
    phrase = rules.due_phrase(ocg.next_review_due, today)
    period = rules.PERIOD_WORDS[REVIEW_MONTHS[ocg.tier]]
    how = (
        f'Record it with `ocg review {ocg.ref} "what the review found" pursue="..." '
        'prevent="..." protect="..." prepare="..."` (band=, tier=, morile= or pmech= for any '
        "change, with the reason)."
    )
    button = [Button("Status", "status", {"args": ocg.ref})]
    if alert.stage == "before":
        return Reply(
            title=f"Review due soon: {ocg.ref} {ocg.name}",
            text=f"The 4P plan review is {phrase}; tier {ocg.tier} is reviewed {period}. {how}",
            buttons=button,
        )
    if alert.stage == "overdue":
        lead = "" if alert.note is None else " The OCG has no LRO named: please name one."
        return Reply(
            title=f"Review overdue: {ocg.ref} {ocg.name}",
            text=f"The 4P plan review is {phrase}; tier {ocg.tier} is reviewed {period}. "
            f"{how}{lead}",
            buttons=button,
            severity=Severity.WARNING,
        )
    named = ", ".join(f"@{p.handle}" for p in lros) or "no LRO named"
    return Reply(
        title=f"Review overdue, for the SRO: {ocg.ref} {ocg.name}",
        text=f"The review is {phrase} (LRO: {named}). As SRO you hear of a review once it is "
        f"{escalate_days} days overdue, then weekly until it is recorded.",
        buttons=button,
        severity=Severity.ERROR,
    )


# -- socbot alerts --once ------------------------------------------------------------------------


def configure_cli(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--once", action="store_true", help="run one sweep now (for cron)")
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be queued; write nothing"
    )


def run_cli(bot: BotApi, args: argparse.Namespace) -> int:
    if not args.once:
        print(
            "`socbot serve` runs review alerts on its schedule in working hours; "
            "use `socbot alerts --once` to run one sweep now (e.g. from cron).",
            file=sys.stderr,
        )
        return 2
    lines = bot.run_job(JOB, dry_run=args.dry_run)
    queued = [line for line in lines if line.startswith("to @")]
    for line in lines:
        print(line)
    if args.dry_run:
        print(f"dry run: {len(queued)} alert(s) would be queued; nothing was written")
    elif queued:
        print(f"{len(queued)} alert(s) queued; the faces deliver them from the outbox")
    else:
        print("no new alerts: nothing is due that has not been sent already")
    return 0
