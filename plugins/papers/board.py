"""The SOC board report: is the force working its OCGs? Every figure is computed once into
``Figures`` and then written three ways: a PDF with charts (matplotlib, as ``ocg chart``), a CSV
of every figure, and a one-paragraph summary in plain English generated from the figures.

- Review compliance: of the reviews that fell due in the period, the share held by their due
  date (a review is due on the date the review before it set; one still not held is late), by
  tier and by area.
- Plan coverage: the share of active OCGs whose plan passes every health check (as at today).
- Disruptions (not rejected) by month and grade, by pillar and by area.
- Partner actions falling due in the period: the share completed, by agency.
- Actions open and overdue today: how many, and the median days overdue.
- OCGs mapped (created) and archived or closed in the period.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from socbot_plugins.actions.models import Action
from socbot_plugins.disruptions import chart
from socbot_plugins.disruptions.models import GRADES, Disruption
from socbot_plugins.ocg.models import Review
from socbot_plugins.plan import document, health
from socbot_plugins.plan.document import Block, Bullets, Heading, Image, Para, Table
from socbot_plugins.plan.models import Decision
from sqlmodel import Session, col, select

from socbot import Ocg, Person
from socbot.clock import add_months, say_date, say_when

Share = tuple[int, int]  # (met, of)


@dataclass
class Figures:
    start: date
    end: date
    generated_at: datetime
    reviews_by_tier: dict[str, Share] = field(default_factory=dict)
    reviews_by_area: dict[str, Share] = field(default_factory=dict)
    coverage: Share = (0, 0)
    failing_checks: Counter[str] = field(default_factory=Counter)
    months: list[date] = field(default_factory=list)
    by_month: dict[str, list[int]] = field(default_factory=dict)  # grade -> count per month
    by_pillar: Counter[str] = field(default_factory=Counter)
    by_area: Counter[str] = field(default_factory=Counter)
    partner_actions: dict[str, Share] = field(default_factory=dict)
    overdue_now: int = 0
    median_overdue_days: float = 0.0
    mapped: int = 0
    archived: int = 0
    active: int = 0

    @property
    def reviews(self) -> Share:
        return _sum(self.reviews_by_tier.values())

    @property
    def disruptions(self) -> int:
        return sum(self.by_pillar.values())

    @property
    def partners(self) -> Share:
        return _sum(self.partner_actions.values())


def _sum(shares: object) -> Share:
    pairs = list(shares)  # type: ignore[call-overload]
    return sum(a for a, _ in pairs), sum(b for _, b in pairs)


def pct(share: Share) -> str:
    met, of = share
    return f"{round(100 * met / of)}%" if of else "n/a"


def load(session: Session, start: date, end: date, now: datetime) -> Figures:
    f = Figures(start, end, now)
    ocgs = session.exec(select(Ocg)).all()
    by_id = {o.id: o for o in ocgs}
    _reviews(session, f, by_id, min(end, now.date()))
    active = [o for o in ocgs if o.status == "active"]
    failing = health.check(session, active, now, now.date()) if active else []
    f.active = len(active)
    f.coverage = (len(active) - len(failing), len(active))
    f.failing_checks = Counter(x.split(":")[0] for h in failing for x in h.failures)
    _disruptions(session, f, by_id)
    _actions(session, f, now)
    begin, finish = _utc(start), _utc(end, time.max)
    f.mapped = sum(1 for o in ocgs if begin <= _aware(o.created_at) <= finish)
    f.archived = len(
        session.exec(
            select(Decision.id).where(
                col(Decision.topic).in_(("status", "closure")),
                Decision.at >= begin,
                Decision.at <= finish,
                col(Decision.text).contains("archived") | (Decision.topic == "closure"),
            )
        ).all()
    )
    return f


def _utc(day: date, at: time = time.min) -> datetime:
    return datetime.combine(day, at, UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _reviews(session: Session, f: Figures, by_id: dict[int | None, Ocg], until: date) -> None:
    tier: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    area: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def count(o: Ocg, t: int, on_time: bool) -> None:
        for table, key in ((tier, f"Tier {t}"), (area, o.area or "no area")):
            table[key][0] += on_time
            table[key][1] += 1

    reviews = session.exec(
        select(Review).order_by(col(Review.ocg_id), col(Review.reviewed_on))
    ).all()
    last: dict[int, Review] = {}
    for r in reviews:
        before = last.get(r.ocg_id)
        last[r.ocg_id] = r
        o = by_id.get(r.ocg_id)
        if before is None or o is None or not f.start <= before.next_due <= until:
            continue  # only reviews that fell due in the period
        count(o, r.tier_before or o.tier, r.reviewed_on <= before.next_due)
    for o in by_id.values():  # fell due in the period and still not held: late
        if o.status == "active" and f.start <= o.next_review_due < until:
            count(o, o.tier, False)
    f.reviews_by_tier = {k: (v[0], v[1]) for k, v in sorted(tier.items())}
    f.reviews_by_area = {k: (v[0], v[1]) for k, v in sorted(area.items())}


def _disruptions(session: Session, f: Figures, by_id: dict[int | None, Ocg]) -> None:
    first = f.start.replace(day=1)
    f.months = []
    month = first
    while month <= f.end:
        f.months.append(month)
        month = add_months(month, 1)
    f.by_month = {g: [0] * len(f.months) for g in GRADES}
    for d in session.exec(
        select(Disruption).where(
            Disruption.occurred_on >= f.start,
            Disruption.occurred_on <= f.end,
            Disruption.status != "rejected",
        )
    ).all():
        index = (d.occurred_on.year - first.year) * 12 + d.occurred_on.month - first.month
        if d.grade in f.by_month:
            f.by_month[d.grade][index] += 1
        f.by_pillar[d.pillar.capitalize()] += 1
        o = by_id.get(d.ocg_id)
        f.by_area[(o.area if o else None) or "no area"] += 1


def _actions(session: Session, f: Figures, now: datetime) -> None:
    done: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for action, owner in session.exec(
        select(Action, Person)
        .join(Person, col(Action.owner_id) == Person.id, isouter=True)
        .where(
            Action.due_at >= _utc(f.start),
            Action.due_at <= _utc(f.end, time.max),
            Action.status != "cancelled",
        )
    ).all():
        agency = owner.agency if owner else action.owner_agency
        if not agency or agency.lower() == "police":
            continue
        done[agency][0] += action.status == "done"
        done[agency][1] += 1
    f.partner_actions = {k: (v[0], v[1]) for k, v in sorted(done.items())}
    utcnow = now.astimezone(UTC)
    days = [
        (utcnow - _aware(due)).days
        for due in session.exec(
            select(Action.due_at).where(Action.status == "open", Action.due_at < utcnow)
        ).all()
    ]
    f.overdue_now = len(days)
    f.median_overdue_days = statistics.median(days) if days else 0.0


# -- words -----------------------------------------------------------------------------------------


def summary(f: Figures) -> str:
    """One paragraph a board member can read aloud, every number from ``f``."""
    held, due = f.reviews
    parts = [f"Between {say_date(f.start)} and {say_date(f.end)}"]
    if due:
        worst = min(f.reviews_by_tier.items(), key=lambda kv: kv[1][0] / kv[1][1])
        parts.append(
            f" {held} of the {due} reviews that fell due were held on time ({pct(f.reviews)})"
            + (f", the weakest being {worst[0].lower()} ({pct(worst[1])})" if held < due else "")
            + "."
        )
    else:
        parts.append(" no review fell due.")
    parts.append(
        f" {pct(f.coverage)} of the {f.active} active OCGs have a plan that passes every health "
        "check"
        + (
            f"; the commonest gap is \u201c{f.failing_checks.most_common(1)[0][0]}\u201d."
            if f.failing_checks
            else "."
        )
    )
    if f.disruptions:
        pillar, n = f.by_pillar.most_common(1)[0]
        major = sum(f.by_month.get("major", []))
        parts.append(
            f" {f.disruptions} disruptions were recorded, {major} of them major; "
            f"{pillar} accounts for {n} ({round(100 * n / f.disruptions)}%)."
        )
    else:
        parts.append(" No disruption was recorded.")
    met, of = f.partners
    if of:
        parts.append(
            f" Partners completed {met} of the {of} actions falling due ({pct(f.partners)})."
        )
    if f.overdue_now:
        parts.append(
            f" {f.overdue_now} actions are overdue today, by a median of "
            f"{f.median_overdue_days:g} days."
        )
    parts.append(f" {f.mapped} OCGs were mapped and {f.archived} archived or closed.")
    return "".join(parts)


def rows(f: Figures) -> list[tuple[str, str, str]]:
    """Every figure as ``(figure, group, value)``: the CSV, and what the tests read."""
    out = [("review compliance", "all", pct(f.reviews))]
    out += [("review compliance", k, f"{a}/{b}") for k, (a, b) in f.reviews_by_tier.items()]
    out += [("review compliance", k, f"{a}/{b}") for k, (a, b) in f.reviews_by_area.items()]
    out += [
        ("plan coverage", "active OCGs passing every check", f"{f.coverage[0]}/{f.coverage[1]}")
    ]
    out += [("failing check", k, str(n)) for k, n in f.failing_checks.most_common()]
    for g, counts in f.by_month.items():
        out += [
            ("disruptions by month", f"{m:%Y-%m} {g}", str(n))
            for m, n in zip(f.months, counts, strict=True)
        ]
    out += [("disruptions by pillar", k, str(n)) for k, n in sorted(f.by_pillar.items())]
    out += [("disruptions by area", k, str(n)) for k, n in sorted(f.by_area.items())]
    out += [("partner action completion", k, f"{a}/{b}") for k, (a, b) in f.partner_actions.items()]
    out += [
        ("actions overdue today", "count", str(f.overdue_now)),
        ("actions overdue today", "median days overdue", f"{f.median_overdue_days:g}"),
        ("OCGs", "mapped", str(f.mapped)),
        ("OCGs", "archived or closed", str(f.archived)),
        ("OCGs", "active", str(f.active)),
    ]
    return out


def as_csv(f: Figures) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("figure", "group", "value"))
    writer.writerows(rows(f))
    return out.getvalue()


# -- pictures --------------------------------------------------------------------------------------


def draw_charts(f: Figures, folder: Path) -> list[Image]:
    """The disruptions chart (``ocg chart``'s own drawing) and review compliance by tier."""
    series = chart.Series(
        title="Disruptions per month, by grade",
        months=f.months,
        counts=f.by_month,
        markers=[],
        note="Rejected ones left out.",
        subtitle=f"{say_date(f.start)} to {say_date(f.end)}, all OCGs, stacked by grade.",
    )
    images = [Image(chart.draw(series, folder / "disruptions.png"), "Disruptions per month.")]
    shares = {k: v for k, v in f.reviews_by_tier.items() if v[1]}
    if shares:
        images.append(
            Image(
                _bars(
                    "Reviews held on time, by tier",
                    shares,
                    folder / "reviews.png",
                ),
                "Share of reviews held by their due date, by tier (held / fell due).",
                0.75,
            )
        )
    partners = {k: v for k, v in f.partner_actions.items() if v[1]}
    if partners:
        images.append(
            Image(
                _bars("Partner actions completed, by agency", partners, folder / "partners.png"),
                "Share of actions falling due in the period that the agency completed.",
                0.75,
            )
        )
    return images


def _bars(title: str, shares: dict[str, Share], path: Path) -> Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path.parent.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=(8, 0.6 * len(shares) + 1.4), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = list(shares)[::-1]
    values = [100 * shares[k][0] / shares[k][1] for k in labels]
    ax.barh(labels, values, color=chart.MARK, height=0.6, zorder=2)
    for y, k in enumerate(labels):
        met, of = shares[k]
        ax.text(
            min(values[y], 80) + 2, y, f"{pct(shares[k])} ({met}/{of})", va="center", fontsize=9
        )
    ax.set_xlim(0, 100)
    ax.set_xlabel("%")
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6, zorder=0)
    fig.savefig(path, format="png")
    return path


def as_document(f: Figures, images: list[Image]) -> document.Document:
    def table(shares: dict[str, Share], column: str) -> Block:
        if not shares:
            return Para("None in the period.", quiet=True)
        rows = [(k, pct(v), f"{v[0]} / {v[1]}") for k, v in shares.items()]
        return Table((column, "Share", "Met / of"), rows, (4, 2, 2))

    charts = {i.path.stem: i for i in images}
    blocks: list[Block] = [
        Heading("Summary", 1),
        Para(summary(f)),
        Heading("Review compliance", 1),
        Para(f"Reviews held on time: {pct(f.reviews)} ({f.reviews[0]} of {f.reviews[1]})."),
        table(f.reviews_by_tier, "Tier"),
        table(f.reviews_by_area, "Area"),
    ]
    if "reviews" in charts:
        blocks.append(charts["reviews"])
    blocks += [
        Heading("Plan coverage", 1),
        Para(
            f"{pct(f.coverage)} of active OCGs ({f.coverage[0]} of {f.coverage[1]}) have a plan "
            f"that passes every health check, as at {say_date(f.generated_at)}."
        ),
        Bullets([f"{k}: {n} OCGs" for k, n in f.failing_checks.most_common()])
        if f.failing_checks
        else Para("No plan fails a check.", quiet=True),
        Heading("Disruptions", 1),
        charts["disruptions"],
        Table(
            ("Pillar", "Disruptions"),
            [(k, str(n)) for k, n in sorted(f.by_pillar.items())] or [("none", "0")],
            (3, 2),
        ),
        Table(
            ("Area", "Disruptions"),
            [(k, str(n)) for k, n in sorted(f.by_area.items())] or [("none", "0")],
            (3, 2),
        ),
        Heading("Partner actions", 1),
        table(f.partner_actions, "Agency"),
    ]
    if "partners" in charts:
        blocks.append(charts["partners"])
    blocks += [
        Heading("Overdue work and the OCGs mapped", 1),
        Table(
            ("", ""),
            [
                ("Actions overdue today", str(f.overdue_now)),
                ("Median days overdue", f"{f.median_overdue_days:g}"),
                ("OCGs mapped in the period", str(f.mapped)),
                ("OCGs archived or closed in the period", str(f.archived)),
                ("Active OCGs today", str(f.active)),
            ],
            (3, 2),
            header=False,
        ),
    ]
    return document.Document(
        title=f"SOC board report, {say_date(f.start)} to {say_date(f.end)}",
        marking=document.FULL_MARKING,
        generated=f"{say_when(f.generated_at)} (Europe/London)",
        note=None,
        blocks=blocks,
    )
