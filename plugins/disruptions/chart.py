"""``ocg chart``: disruptions per month stacked by grade, with band and MoRiLE changes marked.

matplotlib is imported only when a chart is drawn (it costs ~0.5 s), and only its object API with
the Agg canvas is used: no pyplot, no global figure state, safe on a headless server thread.
"""

from __future__ import annotations

import calendar
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from socbot_plugins.disruptions.models import GRADES, NOT_COUNTED, OPEN, Disruption
from socbot_plugins.ocg.models import Review
from sqlalchemy import func
from sqlmodel import col, select

from socbot import Ocg, access
from socbot.clock import add_months, say_date
from socbot.context import Context
from socbot.model import Command, CommandError, Fact, Reply
from socbot.registry import CommandSpec
from socbot.withhold import names_hider

# Darkest for the heaviest impact; distinct in greyscale and for red-green colour blindness.
COLOURS = {"major": "#7a0177", "moderate": "#f768a1", "minor": "#fcc5c0"}
MARK = "#1f4e79"
MAX_MONTHS = 60


@dataclass
class Series:
    """What a chart shows: one bar per month, one stack layer per grade, and dated markers."""

    title: str
    months: list[date]
    counts: dict[str, list[int]]
    markers: list[tuple[float, str]]  # x position (a month index plus a fraction), label
    note: str
    subtitle: str = ""
    partial: bool = False  # the last month is still running


def spec() -> CommandSpec:
    return CommandSpec(
        "chart",
        chart,
        "A chart of an OCG's (or an area's) disruptions per month, by grade",
        usage="chart <OCG> [months=12] | chart area <NAME> [months=12]",
        examples=("chart smith", "chart OCG-0001 months=24", "chart area Portsmouth"),
    )


def chart(ctx: Context, cmd: Command) -> Reply:
    words = list(cmd.args)
    months = _months(cmd.options)
    if not words:
        raise CommandError("Which OCG? e.g. `chart smith` or `chart area Portsmouth`.", field="ocg")
    start = add_months(ctx.today().replace(day=1), -(months - 1))
    if words[0].lower() == "area" and len(words) > 1:
        ocgs, label = _area(ctx, " ".join(words[1:]))
        series = _series(ctx, ocgs, start, months, markers=False)
        series.title = f"{label}: disruptions per month ({len(ocgs)} OCGs)"
    else:
        ocg = ctx.ocg(" ".join(words))
        series = _series(ctx, [ocg], start, months, markers=not ctx.sanitised)
        score = (
            ""
            if ctx.sanitised
            else f" · band {ocg.band}"
            + (f", MoRiLE {ocg.morile:g}" if ocg.morile is not None else "")
        )
        series.title = f"{ocg.ref} {ctx.ocg_name(ocg)}{score}: disruptions per month"
    today = ctx.today()
    series.partial = add_months(today.replace(day=1), 1) - today > timedelta(days=1)
    series.subtitle = f"{start:%b %Y} to {today:%b %Y}, stacked by grade. {series.note}"
    if ctx.sanitised:  # the picture's words pass the same withholding as the reply's
        hide = names_hider(ctx.session, ctx.ocg_ids, ctx.access.aliases)
        series.title, series.subtitle = hide(series.title), hide(series.subtitle)
    folder = ctx.settings.data_dir / "charts"
    name = f"disruptions-{ctx.now():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}.png"
    path = draw(series, folder / name)
    totals = {g: sum(series.counts[g]) for g in GRADES}
    return Reply(
        title=series.title,
        text=f"{say_date(start)} to {say_date(ctx.today())}, stacked by grade. {series.note}",
        facts=[Fact(g.capitalize(), str(totals[g])) for g in GRADES],
        images=[path],
        sanitised=ctx.sanitised,
    )


def _months(options: dict[str, str]) -> int:
    extra = set(options) - {"months"}
    if extra:
        raise CommandError(
            f"`chart` takes only `months=`, not `{sorted(extra)[0]}=`.", field=sorted(extra)[0]
        )
    text = options.get("months", "12").strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_MONTHS:
        raise CommandError(
            f"`months=` should be a whole number from 1 to {MAX_MONTHS}.", field="months"
        )
    return int(text)


def _area(ctx: Context, name: str) -> tuple[list[Ocg], str]:
    """The active OCGs of an area that this person may see."""
    rows = ctx.session.exec(
        select(Ocg).where(func.lower(Ocg.area) == name.strip().lower(), Ocg.status == "active")
    ).all()
    visible = ctx.access.visible_ocg_ids(ctx.session, ctx.actor)
    found = [o for o in rows if visible is None or o.id in visible]
    if ctx.sanitised:  # the partner view shows no areas: charting one would tell them
        raise CommandError(
            "The partner view doesn't show areas: chart an OCG you work on instead, e.g. "
            "`chart OCG-0001`.",
            field="area",
        )
    if not found:
        # Only the areas of OCGs this person can see: the rest would tell a partner where the
        # force has groups mapped.
        query = select(Ocg.area).where(col(Ocg.area).is_not(None), Ocg.status == "active")
        if visible is not None:
            query = query.where(col(Ocg.id).in_(sorted(visible) or [-1]))
        known = sorted({a for a in ctx.session.exec(query.distinct()).all() if a})
        listed = f" Areas you can see: {', '.join(known)}." if known else ""
        raise CommandError(
            f"No OCGs you can see in an area called {name[:60]!r}.{listed}", field="area"
        )
    return found, found[0].area or name


def _series(
    ctx: Context, ocgs: Sequence[Ocg], start: date, months: int, *, markers: bool
) -> Series:
    ids = [o.id or 0 for o in ocgs]
    month_starts = [add_months(start, i) for i in range(months)]
    counts = {g: [0] * months for g in GRADES}
    rows = ctx.session.exec(
        select(  # type: ignore[call-overload]
            Disruption.occurred_on, Disruption.grade, Disruption.status, func.count()
        )
        .where(col(Disruption.ocg_id).in_(ids), Disruption.occurred_on >= start)
        .where(
            access.sensitive_visible(ctx.actor, col(Disruption.sensitive), col(Disruption.ocg_id))
        )
        .group_by(Disruption.occurred_on, Disruption.grade, Disruption.status)
    ).all()
    pending = 0
    for day, grade, status, n in rows:
        index = (day.year - start.year) * 12 + day.month - start.month
        if status in NOT_COUNTED or grade not in counts or not 0 <= index < months:
            continue
        counts[grade][index] += n
        pending += n if status in OPEN else 0
    note = (
        f"Includes {pending} awaiting moderation; rejected and merged ones left out."
        if pending
        else "Rejected ones left out."
    )
    marks = _review_marks(ctx, ids[0], start) if markers else []
    return Series("", month_starts, counts, marks, note)


def _review_marks(ctx: Context, ocg_id: int, start: date) -> list[tuple[float, str]]:
    """Reviews that changed the band or the MoRiLE score, placed at their day in the month."""
    reviews = ctx.session.exec(
        select(Review)
        .where(Review.ocg_id == ocg_id, Review.reviewed_on >= start)
        .order_by(col(Review.reviewed_on))
    ).all()
    marks = []
    for r in reviews:
        parts = []
        if r.band_after and r.band_after != r.band_before:
            parts.append(f"band {r.band_before or '?'}→{r.band_after}")
        if r.morile_after is not None and r.morile_after != r.morile_before:
            before = "?" if r.morile_before is None else f"{r.morile_before:g}"
            parts.append(f"MoRiLE {before}→{r.morile_after:g}")
        if parts:
            day = r.reviewed_on
            index = (day.year - start.year) * 12 + day.month - start.month
            where = index - 0.5 + (day.day - 0.5) / calendar.monthrange(day.year, day.month)[1]
            marks.append((where, f"{day.day} {day:%b %Y}: " + ", ".join(parts)))
    return marks


def draw(series: Series, path: Path) -> Path:
    """Render the stacked bars to ``path`` (PNG) and return it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    path.parent.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=(10, 5.4), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x = list(range(len(series.months)))
    bottom = [0] * len(x)
    for grade in reversed(GRADES):  # minor at the bottom, major on top
        values = series.counts[grade]
        ax.bar(
            x,
            values,
            bottom=bottom,
            width=0.75,
            color=COLOURS[grade],
            label=grade.capitalize(),
            edgecolor="#444444",
            linewidth=0.6,
            zorder=2,
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    top = max(max(bottom, default=0), 1)
    for i, total in enumerate(bottom):
        if total:
            ax.text(
                i,
                total + 0.03 * top,
                str(total),
                ha="center",
                va="bottom",
                fontsize=9,
                zorder=3,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
            )
    ax.set_ylim(0, top * (1.4 if series.markers else 1.15))
    for k, (where, label) in enumerate(series.markers):
        ax.axvline(where, color=MARK, linestyle="--", linewidth=1.3, zorder=1)
        right = where > len(x) / 2  # keep the label inside the plot
        ax.text(
            where + (-0.08 if right else 0.08),
            top * (1.37 - 0.09 * (k % 3)),
            label,
            color=MARK,
            fontsize=9,
            va="top",
            ha="right" if right else "left",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
            zorder=3,
        )
    ax.set_xticks(x, _tick_labels(series.months, series.partial))
    ax.set_xlim(-0.6, len(x) - 0.4)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("Disruptions logged")
    ax.set_title(series.title, loc="left", fontsize=12, fontweight="bold", pad=20)
    ax.text(0, 1.02, series.subtitle, transform=ax.transAxes, fontsize=9, color="#555555")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6, zorder=0)
    handles, labels = ax.get_legend_handles_labels()
    handles, labels = handles[::-1], labels[::-1]  # major first, as stacked
    if series.markers:
        handles.append(Line2D([], [], color=MARK, linestyle="--", linewidth=1.3))
        labels.append("Review changed band or MoRiLE")
    ax.legend(
        handles,
        labels,
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncols=len(labels),
    )
    fig.savefig(path, format="png")
    return path


def _tick_labels(months: list[date], partial: bool) -> list[str]:
    """``Apr\\n2026`` at the start and each January; every third month when there are many."""
    step = 1 if len(months) <= 24 else 3
    labels = []
    for i, m in enumerate(months):
        if i % step and m.month != 1:
            labels.append("")
            continue
        label = f"{m:%b}\n{m:%Y}" if i == 0 or m.month == 1 else f"{m:%b}"
        labels.append(label)
    if partial and labels and labels[-1]:
        labels[-1] += "\n(so far)"
    return labels
