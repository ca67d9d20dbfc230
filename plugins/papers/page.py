"""OCG on a page: what the tasking meeting needs about one OCG, read once and shaped as plain
data (``Page``), then set as a chat card (``card``) or as document blocks (``blocks``).

Two versions. The police page holds scores and their trend, the review clock, plan health, each
pillar's objectives and actions, the disruptions since the last review, the latest decisions and
what is asked of the meeting. The partner (3P SPOC) page holds only what a partner may read: the
partner-safe name, the review date, action counts per pillar (sensitive work left out),
accepted disruptions that are not sensitive, the decisions written for partners, and what is
asked of partners; every text then passes through the core's withholding (``socbot.withhold``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from socbot_plugins.actions.models import Action
from socbot_plugins.disruptions.models import Disruption
from socbot_plugins.ocg.models import Review
from socbot_plugins.plan import document, health, view
from socbot_plugins.plan.document import Block, Heading, Para, Table
from socbot_plugins.plan.models import Decision
from sqlmodel import Session, col, select

from socbot import Ocg
from socbot.access import SYSTEM, AliasSource
from socbot.clock import say_date
from socbot.model import Fact, Item, Reply, Section, Severity
from socbot.withhold import names_hider

PILLARS = view.PILLARS4
DECISIONS_SHOWN = 5
DISRUPTIONS_SHOWN = 8


@dataclass(frozen=True)
class PillarProgress:
    pillar: str
    lead: str | None
    objectives: str  # "2 open, 1 met" (police only)
    open: int
    overdue: int
    done: int  # completed since the last review


@dataclass(frozen=True)
class DisruptionLine:
    on: date
    grade: str
    pillar: str
    text: str
    status: str  # accepted | pending


@dataclass(frozen=True)
class Page:
    ref: str
    name: str  # the partner-safe name on a partner's page
    partner: bool
    generated_at: datetime
    review_due: date
    last_review: date | None
    band: str = ""
    tier: int = 0
    morile: str = ""
    pmech: str = ""
    phase: str = ""
    area: str = ""
    lro: str = ""
    sro: str = ""
    trend: list[str] = field(default_factory=list)  # "3 Jan 2027: band 2B → 1C" oldest first
    health: list[str] = field(default_factory=list)  # the failing checks
    pillars: list[PillarProgress] = field(default_factory=list)
    disruptions: list[DisruptionLine] = field(default_factory=list)
    disruption_total: int = 0
    decisions: list[str] = field(default_factory=list)
    last_meeting: str = ""  # the latest minutes entry (``ocg minutes``), partners': partner=yes
    asks: list[str] = field(default_factory=list)

    @property
    def review_clock(self) -> str:
        days = (self.review_due - self.generated_at.date()).days
        if days < 0:
            return f"due {say_date(self.review_due)}: {-days} days overdue"
        return f"due {say_date(self.review_due)}: in {days} days"

    @property
    def overdue(self) -> bool:
        return self.review_due < self.generated_at.date()


def load(
    session: Session,
    ocg: Ocg,
    now: datetime,
    *,
    partner: bool,
    aliases: AliasSource,
) -> Page:
    """``ocg`` on a page, as of ``now`` (aware, Europe/London); ``partner``: the sanitised page,
    every text withheld by the core's one path."""
    plan = view.load(session, SYSTEM, ocg, now, decisions=DECISIONS_SHOWN)
    since = ocg.last_review_on or (now.date() - timedelta(days=91))
    page = Page(
        ref=ocg.ref,
        name=(ocg.partner_name or ocg.ref) if partner else ocg.name,
        partner=partner,
        generated_at=now,
        review_due=ocg.next_review_due,
        last_review=ocg.last_review_on,
        pillars=_pillars(session, ocg, plan, now, since, partner=partner),
        disruptions=_disruptions(session, ocg, since, partner=partner),
        disruption_total=_disruption_count(session, ocg, since, partner=partner),
        decisions=_decisions(session, ocg, partner=partner),
        last_meeting=_last_meeting(session, ocg, partner=partner),
    )
    if not partner:
        failing = health.check(session, [ocg], now, now.date())
        page = _police(
            page, ocg, plan, _trend(session, ocg), failing[0].failures if failing else []
        )
    page = _with_asks(page, session, ocg, now)
    if partner:
        ids = [i for i in session.exec(select(Ocg.id)).all() if i is not None]
        page = document.withheld(page, names_hider(session, ids, aliases))
    return page


def _police(
    page: Page, ocg: Ocg, plan: view.PlanData, trend: list[str], failures: list[str]
) -> Page:
    from dataclasses import replace

    return replace(
        page,
        band=ocg.band,
        tier=ocg.tier,
        morile="" if ocg.morile is None else f"{ocg.morile:g}",
        pmech=ocg.pmech or "",
        phase=(ocg.phase or "not set").capitalize(),
        area=ocg.area or "",
        lro=plan.lro or "none",
        sro=plan.sro or "none",
        trend=trend,
        health=failures,
    )


def _trend(session: Session, ocg: Ocg) -> list[str]:
    reviews = session.exec(
        select(Review).where(Review.ocg_id == ocg.id).order_by(col(Review.reviewed_on))
    ).all()
    lines = []
    for r in reviews[-4:]:
        parts = []
        for name in ("band", "tier", "morile", "pmech"):
            before, after = getattr(r, f"{name}_before"), getattr(r, f"{name}_after")
            if after is not None and after != before:
                parts.append(f"{name} {_g(before)} → {_g(after)}")
        lines.append(f"{say_date(r.reviewed_on)}: " + ("; ".join(parts) or "scores unchanged"))
    return lines


def _g(value: object) -> str:
    if value is None:
        return "?"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _pillars(
    session: Session, ocg: Ocg, plan: view.PlanData, now: datetime, since: date, *, partner: bool
) -> list[PillarProgress]:
    query = select(Action.pillar, Action.status, Action.due_at, Action.completed_at).where(
        Action.ocg_id == ocg.id
    )
    if partner:
        query = query.where(col(Action.sensitive).is_(False))
    rows = session.exec(query).all()
    start = datetime.combine(since, datetime.min.time(), UTC)
    utcnow = now.astimezone(UTC)
    result = []
    for p in plan.pillars:
        mine = [r for r in rows if r[0] == p.pillar]
        open_ = [r for r in mine if r[1] == "open"]
        overdue = [r for r in open_ if _utc(r[2]) < utcnow]
        done = [r for r in mine if r[1] == "done" and r[3] is not None and _utc(r[3]) >= start]
        statuses = Counter(o.status for o in p.objectives)
        objectives = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) or (
            "not developed" if p.not_developed else "none"
        )
        result.append(
            PillarProgress(
                p.pillar,
                None if partner else p.lead,
                "" if partner else objectives,
                len(open_),
                len(overdue),
                len(done),
            )
        )
    return result


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _disruption_query(ocg: Ocg, since: date, *, partner: bool):  # type: ignore[no-untyped-def]
    query = select(Disruption).where(
        Disruption.ocg_id == ocg.id,
        Disruption.occurred_on >= since,
        Disruption.status != "rejected",
    )
    if partner:  # accepted, and no covert work
        query = query.where(Disruption.status == "accepted", col(Disruption.sensitive).is_(False))
    return query


def _disruptions(session: Session, ocg: Ocg, since: date, *, partner: bool) -> list[DisruptionLine]:
    rows = session.exec(
        _disruption_query(ocg, since, partner=partner)
        .order_by(col(Disruption.occurred_on).desc())
        .limit(DISRUPTIONS_SHOWN)
    ).all()
    return [DisruptionLine(d.occurred_on, d.grade, d.pillar, d.description, d.status) for d in rows]


def _disruption_count(session: Session, ocg: Ocg, since: date, *, partner: bool) -> int:
    return len(session.exec(_disruption_query(ocg, since, partner=partner)).all())


def _decisions(session: Session, ocg: Ocg, *, partner: bool) -> list[str]:
    query = select(Decision).where(Decision.ocg_id == ocg.id)
    if partner:  # the minutes have their own line: "Last meeting's outcome"
        query = query.where(col(Decision.partner).is_(True), Decision.topic != "minutes")
    else:  # the key ones: decisions, strands not done, score and phase changes, hand-overs
        query = query.where(
            col(Decision.topic).in_(("decision", "not", "score", "phase", "handover"))
        )
    rows = session.exec(query.order_by(col(Decision.at).desc()).limit(DECISIONS_SHOWN)).all()
    return [f"{say_date(d.at)}: {d.text} (because {d.rationale})" for d in rows]


def _last_meeting(session: Session, ocg: Ocg, *, partner: bool) -> str:
    query = select(Decision).where(Decision.ocg_id == ocg.id, Decision.topic == "minutes")
    if partner:
        query = query.where(col(Decision.partner).is_(True))
    found = session.exec(query.order_by(col(Decision.at).desc(), col(Decision.id).desc())).first()
    return f"{say_date(found.at)}: {found.text}" if found else ""


def _with_asks(page: Page, session: Session, ocg: Ocg, now: datetime) -> Page:
    """What the meeting is asked to do about this OCG, from the facts on the page."""
    from dataclasses import replace

    asks: list[str] = []
    if page.overdue:
        asks.append(f"Agree a date for the overdue review ({page.review_clock}).")
    elif (page.review_due - now.date()).days <= 28:
        asks.append(f"Note the review {page.review_clock}.")
    overdue = sum(p.overdue for p in page.pillars)
    if overdue:
        asks.append(f"Chase {overdue} overdue action{'s' if overdue > 1 else ''}.")
    if not page.partner:
        for failure in page.health:
            check = failure.split(":")[0]
            if check == "no LRO":
                asks.append("Appoint an LRO.")
            elif check != "review overdue":
                asks.append(f"Fix the plan: {failure}.")
        pending = sum(d.status == "pending" for d in page.disruptions)
        if pending:
            asks.append(f"Moderate {pending} disruption{'s' if pending > 1 else ''} awaiting it.")
    empty = [p.pillar.capitalize() for p in page.pillars if not (p.open or p.done)]
    if empty and page.partner:
        asks.append(f"Offer partner work under {', '.join(empty)}.")
    return replace(page, asks=asks or ["Note progress: nothing needs a decision."])


# -- chat ------------------------------------------------------------------------------------------


def card(page: Page) -> Reply:
    facts = [Fact("Review", page.review_clock, Severity.WARNING if page.overdue else None)]
    if not page.partner:
        facts = [
            Fact("Band", page.band),
            Fact("Tier", str(page.tier)),
            Fact("MoRiLE", page.morile or "not scored"),
            Fact("Phase", page.phase),
            Fact("LRO", page.lro),
            *facts,
            Fact(
                "Plan health",
                "passes every check" if not page.health else f"{len(page.health)} failing",
                Severity.WARNING if page.health else None,
            ),
        ]
    sections = []
    if page.trend:
        sections.append(Section("Scores at reviews", items=[Item(t) for t in page.trend]))
    if page.health:
        sections.append(Section("Plan health", items=[Item(f) for f in page.health]))
    sections.append(
        Section(
            "4P progress",
            items=[
                Item(
                    f"{p.pillar.capitalize()}: {p.open} open ({p.overdue} overdue), "
                    f"{p.done} done since the last review",
                    None
                    if page.partner
                    else f"objectives: {p.objectives}; lead: {p.lead or 'none'}",
                    Severity.WARNING if p.overdue else None,
                )
                for p in page.pillars
            ],
        )
    )
    sections.append(
        Section(
            f"Disruptions since the last review: {page.disruption_total}",
            items=[Item(_say_disruption(d)) for d in page.disruptions],
        )
    )
    if page.last_meeting:
        sections.append(Section("Last meeting's outcome", items=[Item(page.last_meeting)]))
    if page.decisions:
        sections.append(Section("Key decisions", items=[Item(d) for d in page.decisions]))
    sections.append(Section("Asked of the meeting", items=[Item(a) for a in page.asks]))
    return Reply(
        title=f"{page.ref} {page.name}: on a page",
        facts=facts,
        sections=sections,
        context=f"`socbot export page {page.ref} --out page.pdf` makes the PDF",
        sanitised=page.partner,
    )


def _say_disruption(d: DisruptionLine) -> str:
    pending = " (awaiting moderation)" if d.status == "pending" else ""
    return f"{say_date(d.on)} {d.grade} ({d.pillar}){pending}: {d.text}"


# -- document -------------------------------------------------------------------------------------


def blocks(page: Page, *, heading: bool = False) -> list[Block]:
    """The page as document blocks; ``heading``: start with the OCG's name (in a pack)."""
    out: list[Block] = [Heading(f"{page.ref} {page.name}", 1)] if heading else []
    rows = [("Review", page.review_clock)]
    if page.last_review:
        rows.insert(0, ("Last review", say_date(page.last_review)))
    if not page.partner:
        rows = [
            ("Band / tier", f"{page.band} / {document.TIERS.get(page.tier, str(page.tier))}"),
            ("MoRiLE / PMECH", f"{page.morile or 'not scored'} / {page.pmech or 'not set'}"),
            ("Phase / area", f"{page.phase} / {page.area or 'none'}"),
            ("LRO / SRO", f"{page.lro} / {page.sro}"),
            *rows,
            ("Plan health", "; ".join(page.health) or "passes every check"),
        ]
        if page.trend:
            rows.append(("Scores at reviews", "\n".join(page.trend)))
    out.append(Table(("", ""), rows, (1, 4), header=False))
    out.append(Heading("4P progress", 2))
    columns: tuple[str, ...] = ("Pillar", "Open", "Overdue", "Done since review")
    progress: list[tuple[str, ...]] = [
        (p.pillar.capitalize(), str(p.open), str(p.overdue), str(p.done)) for p in page.pillars
    ]
    if page.partner:
        out.append(Table(columns, progress, (4, 2, 2, 3)))
    else:
        columns = (*columns, "Objectives", "Lead")
        progress = [
            (*row, p.objectives, p.lead or "none")
            for row, p in zip(progress, page.pillars, strict=True)
        ]
        out.append(Table(columns, progress, (3, 2, 2, 3, 4, 5)))
    out.append(Heading(f"Disruptions since the last review: {page.disruption_total}", 2))
    if page.disruptions:
        rows2 = [
            (
                say_date(d.on),
                d.grade + (" (pending)" if d.status == "pending" else ""),
                d.pillar,
                d.text,
            )
            for d in page.disruptions
        ]
        out.append(Table(("Date", "Grade", "Pillar", "What"), rows2, (3, 3, 2, 12)))
    else:
        out.append(Para("None recorded.", quiet=True))
    if page.last_meeting:
        out.append(Heading("Last meeting's outcome", 2))
        out.append(Para(page.last_meeting))
    out.append(Heading("Decisions shared with partners" if page.partner else "Key decisions", 2))
    out.append(document.Bullets(page.decisions) if page.decisions else Para("None.", quiet=True))
    out.append(Heading("Asked of the meeting", 2))
    out.append(document.Bullets(page.asks))
    return out


def as_document(page: Page) -> document.Document:
    from socbot.clock import say_when

    return document.Document(
        title=f"OCG on a page: {page.ref} {page.name}",
        marking=document.PARTNER_MARKING if page.partner else document.FULL_MARKING,
        generated=f"{say_when(page.generated_at)} (Europe/London)",
        note="Partner version: no names, no sensitive work, no intelligence"
        if page.partner
        else None,
        blocks=blocks(page),
    )
