"""The tasking meeting pack: what the SRO's monthly OCG management meeting works through.

Agenda in threat order (band, then tier); reviews due before the next meeting and overdue;
plans failing a health check; overdue actions by agency and owner; disruptions awaiting
moderation; band, tier and phase changes since the last meeting (from the decision log, which
every review and phase change writes to); then one OCG on a page per OCG on the agenda.
The pack is police-only (OFFICIAL-SENSITIVE): it names owners and LROs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from socbot_plugins.actions.models import Action
from socbot_plugins.actions.view import owner_label
from socbot_plugins.disruptions.models import Disruption
from socbot_plugins.papers import page
from socbot_plugins.plan import document, health
from socbot_plugins.plan.decisions import TOPIC_WORDS
from socbot_plugins.plan.document import Block, Bullets, Heading, PageBreak, Para, Table
from socbot_plugins.plan.models import Decision
from sqlalchemy import func
from sqlmodel import Session, col, select

from socbot import Ocg, Person
from socbot.access import no_aliases
from socbot.clock import add_months, say_date, say_when
from socbot.model import Fact, Item, Reply, Section, Severity

DUE_WITHIN = 28  # reviews falling due before the next monthly meeting
CHANGE_TOPICS = ("score", "phase", "status", "closure", "reopen")


@dataclass(frozen=True)
class Pack:
    on: datetime
    since: date  # the last meeting: a month before
    area: str | None
    agenda: list[Ocg]
    reviews: list[tuple[Ocg, str]]  # "overdue 12 days" / "due in 9 days"
    failing: list[health.Health]
    overdue: dict[str, list[tuple[str, int, int]]]  # agency -> (owner, actions, oldest days)
    pending: list[tuple[Ocg, Disruption]]
    changes: list[tuple[Ocg, str]]  # "3 Feb 2027 scores: band 2B → 1C"
    pages: list[page.Page] = field(default_factory=list)


def load(
    session: Session,
    now: datetime,
    *,
    area: str | None = None,
    visible: set[int] | None = None,
    pages: bool = False,
) -> Pack:
    query = select(Ocg).where(Ocg.status == "active")
    if area:
        query = query.where(func.lower(Ocg.area) == area.strip().lower())
    ocgs = [o for o in session.exec(query).all() if visible is None or o.id in visible]
    agenda = sorted(ocgs, key=lambda o: (o.band, o.tier, o.ref))
    ids = [o.id for o in agenda]
    by_id = {o.id: o for o in agenda}
    today = now.date()
    since = add_months(today, -1)
    reviews = []
    for o in sorted(agenda, key=lambda o: o.next_review_due):
        days = (o.next_review_due - today).days
        if days < 0:
            reviews.append((o, f"overdue {-days} days (due {say_date(o.next_review_due)})"))
        elif days <= DUE_WITHIN:
            reviews.append((o, f"due {say_date(o.next_review_due)}, in {days} days"))
    pending = [
        (by_id[d.ocg_id], d)
        for d in session.exec(
            select(Disruption)
            .where(col(Disruption.ocg_id).in_(ids), Disruption.status == "pending")
            .order_by(col(Disruption.occurred_on))
        ).all()
    ]
    changes = [
        (by_id[d.ocg_id], f"{say_date(d.at)} {TOPIC_WORDS.get(d.topic, d.topic).lower()}: {d.text}")
        for d in session.exec(
            select(Decision)
            .where(
                col(Decision.ocg_id).in_(ids),
                col(Decision.topic).in_(CHANGE_TOPICS),
                Decision.at >= datetime.combine(since, datetime.min.time(), UTC),
            )
            .order_by(col(Decision.at))
        ).all()
    ]
    found = Pack(
        on=now,
        since=since,
        area=area,
        agenda=agenda,
        reviews=reviews,
        failing=health.check(session, agenda, now, today) if agenda else [],
        overdue=_overdue(session, ids, now),
        pending=pending,
        changes=changes,
    )
    if pages:
        found.pages.extend(
            page.load(session, o, now, partner=False, aliases=no_aliases) for o in agenda
        )
    return found


def _overdue(
    session: Session, ids: list[int | None], now: datetime
) -> dict[str, list[tuple[str, int, int]]]:
    rows = session.exec(
        select(Action, Person)
        .join(Person, col(Action.owner_id) == Person.id, isouter=True)
        .where(
            col(Action.ocg_id).in_(ids),
            Action.status == "open",
            Action.due_at < now.astimezone(UTC),
        )
    ).all()
    tally: dict[tuple[str, str], list[int]] = defaultdict(list)
    for action, owner in rows:
        agency = owner.agency if owner else (action.owner_agency or "unassigned")
        due = action.due_at.replace(tzinfo=UTC) if action.due_at.tzinfo is None else action.due_at
        tally[(agency, owner_label(owner, action.owner_agency))].append((now - due).days)
    result: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for (agency, who), days in sorted(tally.items()):
        result[agency].append((who, len(days), max(days)))
    return dict(sorted(result.items(), key=lambda kv: -sum(n for _, n, _ in kv[1])))


def _overdue_total(p: Pack) -> int:
    return sum(n for rows in p.overdue.values() for _, n, _ in rows)


# -- chat ------------------------------------------------------------------------------------------


def card(p: Pack) -> Reply:
    where = f" in {p.area}" if p.area else ""
    overdue_reviews = sum(1 for _, s in p.reviews if s.startswith("overdue"))
    sections = [
        Section(
            "Agenda, in threat order",
            items=[Item(f"{o.ref} {o.name}", f"band {o.band}, tier {o.tier}") for o in p.agenda],
        ),
        Section(
            "Reviews due and overdue",
            items=[
                Item(f"{o.ref} {o.name}: {s}", None, Severity.WARNING if s[0] == "o" else None)
                for o, s in p.reviews
            ],
        ),
        Section(
            "Plans failing a health check",
            items=[Item(f"{h.ocg.ref} {h.ocg.name}", "; ".join(h.failures)) for h in p.failing],
        ),
        Section(
            "Overdue actions by agency",
            items=[
                Item(
                    f"{agency}: {sum(n for _, n, _ in rows)}",
                    "; ".join(f"{who} {n} (oldest {days} days)" for who, n, days in rows),
                )
                for agency, rows in p.overdue.items()
            ],
        ),
        Section(
            "Changes since the last meeting",
            items=[Item(f"{o.ref}: {text}") for o, text in p.changes],
        ),
    ]
    return Reply(
        title=f"Tasking meeting pack{where}: {len(p.agenda)} OCGs",
        facts=[
            Fact(
                "Reviews overdue",
                str(overdue_reviews),
                Severity.WARNING if overdue_reviews else None,
            ),
            Fact("Plans failing", str(len(p.failing))),
            Fact("Overdue actions", str(_overdue_total(p))),
            Fact("Awaiting moderation", str(len(p.pending))),
        ],
        sections=[s for s in sections if s.items],
        context="`socbot pack tasking --out pack.pdf` makes the pack with a page per OCG",
    )


# -- document -------------------------------------------------------------------------------------


def as_document(p: Pack) -> document.Document:
    where = f": {p.area}" if p.area else ""
    blocks: list[Block] = [
        Table(
            ("", ""),
            [
                ("Meeting", say_date(p.on)),
                ("Changes since", say_date(p.since)),
                ("OCGs on the agenda", str(len(p.agenda))),
                ("Reviews overdue", str(sum(1 for _, s in p.reviews if s[0] == "o"))),
                ("Plans failing a check", str(len(p.failing))),
                ("Overdue actions", str(_overdue_total(p))),
                ("Disruptions awaiting moderation", str(len(p.pending))),
            ],
            (2, 3),
            header=False,
        ),
        Heading("Agenda, in threat order", 1),
        Table(
            ("#", "OCG", "Band", "Tier", "LRO", "Review"),
            [
                (str(n), f"{o.ref} {o.name}", o.band, str(o.tier), pg.lro, pg.review_clock)
                for n, (o, pg) in enumerate(zip(p.agenda, p.pages, strict=False), 1)
            ]
            if p.pages
            else [
                (str(n), f"{o.ref} {o.name}", o.band, str(o.tier), "", say_date(o.next_review_due))
                for n, o in enumerate(p.agenda, 1)
            ],
            (1, 6, 2, 2, 5, 6),
        ),
        Heading("Reviews due and overdue", 1),
        _or_none(
            Table(("OCG", "Review"), [(f"{o.ref} {o.name}", s) for o, s in p.reviews], (3, 4))
            if p.reviews
            else None,
            "No review is due within four weeks.",
        ),
        Heading(f"Band, tier and phase changes since {say_date(p.since)}", 1),
        Bullets([f"{o.ref} {o.name}: {text}" for o, text in p.changes])
        if p.changes
        else Para("None.", quiet=True),
        Heading("Plans failing a health check", 1),
        _or_none(
            Table(
                ("OCG", "Failing"),
                [(f"{h.ocg.ref} {h.ocg.name}", "; ".join(h.failures)) for h in p.failing],
                (2, 5),
            )
            if p.failing
            else None,
            "Every plan passes.",
        ),
        Heading("Overdue actions by agency and owner", 1),
        _or_none(
            Table(
                ("Agency", "Owner", "Overdue", "Oldest (days)"),
                [(a, who, str(n), str(d)) for a, rows in p.overdue.items() for who, n, d in rows],
                (3, 4, 2, 2),
            )
            if p.overdue
            else None,
            "No action is overdue.",
        ),
        Heading("Disruptions awaiting moderation", 1),
        _or_none(
            Table(
                ("OCG", "Date", "Grade", "What"),
                [(o.ref, say_date(d.occurred_on), d.grade, d.description) for o, d in p.pending],
                (2, 3, 2, 9),
            )
            if p.pending
            else None,
            "None awaiting moderation.",
        ),
    ]
    for pg in p.pages:
        blocks += [PageBreak(), *page.blocks(pg, heading=True)]
    return document.Document(
        title=f"Tasking meeting pack{where}, {say_date(p.on)}",
        marking=document.FULL_MARKING,
        generated=f"{say_when(p.on)} (Europe/London)",
        note=None,
        blocks=blocks,
    )


def _or_none(block: Block | None, empty: str) -> Block:
    return block if block is not None else Para(empty, quiet=True)


def as_of(day: date | None, now: datetime) -> datetime:
    """The moment a pack is written for: 09:00 on the meeting day, or now."""
    if day is None:
        return now
    return now.replace(
        year=day.year, month=day.month, day=day.day, hour=9, minute=0, second=0, microsecond=0
    ) + timedelta(0)
