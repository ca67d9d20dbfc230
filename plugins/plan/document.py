"""What a plan document says, once, for every format: a list of blocks (headings, paragraphs,
tables, lists) built from a ``PlanData``. The Markdown, PDF and Word renderers only lay these
blocks out, so the three formats cannot disagree about what is in the document.

A partner's document (``PlanData.partner_view``) holds only what is written for partners, and
every one of its texts has passed through the core's withholding (``withheld``) first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from socbot_plugins.plan.decisions import TOPIC_WORDS
from socbot_plugins.plan.view import ActionRow, DecisionRow, PillarPlan, PlanData

from socbot.clock import say_date, say_when

FULL_MARKING = "OFFICIAL-SENSITIVE"
PARTNER_MARKING = "OFFICIAL"
PARTNER_NOTE = "Partner version: only what is written for partners"
TIERS = {
    1: "1: comprehensive investigation",
    2: "2: limited plan or action to prevent or disrupt",
    3: "3: proactive intelligence development",
    4: "4: developing opportunities",
}


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 a part of the plan, 2 a part of a pillar


@dataclass(frozen=True)
class Para:
    text: str
    quiet: bool = False  # "none recorded" and notes: set in italics


@dataclass(frozen=True)
class Bullets:
    items: list[str]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    widths: tuple[int, ...]  # relative: a column's share of the page width
    header: bool = True  # False: a label / value list (the title block)


@dataclass(frozen=True)
class Image:
    """A picture (a chart), set at ``width`` of the page width (a fraction)."""

    path: Path
    caption: str
    width: float = 1.0


@dataclass(frozen=True)
class PageBreak:
    """The next block starts a new page (a meeting pack: one OCG per page)."""


Block = Heading | Para | Bullets | Table | Image | PageBreak


@dataclass(frozen=True)
class Document:
    title: str
    marking: str  # at the top and bottom of every page
    generated: str  # "Wed 3 Mar 2027 09:00 (Europe/London)"
    note: str | None  # the partner version says so on its cover
    blocks: list[Block] = field(default_factory=list)


def build(data: PlanData) -> Document:
    """The document for ``data``: the whole plan, or the partner version."""
    partner = data.partner_view
    blocks: list[Block] = [_title_block(data)]
    if not partner:
        blocks += [Heading("Aim", 1), _text(data.aim, "No aim recorded.")]
        blocks += [
            Heading("Clear, Hold, Build", 1),
            Table(
                ("", ""),
                [("Hold", data.hold or "not recorded"), ("Build", data.build or "not recorded")],
                (1, 5),
                header=False,
            ),
        ]
    for pillar in data.pillars:
        blocks += _pillar(pillar, partner)
    if not partner:
        blocks += _around(data)
    blocks.append(Heading("Decisions shared with partners" if partner else "Decision log", 1))
    blocks.append(_decisions(data.decisions, partner))
    return Document(
        title=f"4P plan: {data.ref} {data.name}",
        marking=PARTNER_MARKING if partner else FULL_MARKING,
        generated=f"{say_when(data.generated_at)} (Europe/London)",
        note=PARTNER_NOTE if partner else None,
        blocks=blocks,
    )


def _text(value: str | None, empty: str) -> Para:
    return Para(value) if value else Para(empty, quiet=True)


def _title_block(data: PlanData) -> Table:
    rows = [("Reference", data.ref), ("Name", data.name)]
    if not data.partner_view:
        rows += [
            ("Band", data.band),
            ("Tier", TIERS.get(data.tier, str(data.tier))),
            ("Phase", (data.phase or "not set").capitalize()),
        ]
        if data.status != "active":
            rows.append(("Status", data.status))
        if data.area:
            rows.append(("Area", data.area))
        rows += [("LRO", data.lro or "none"), ("SRO", data.sro or "none")]
        if data.last_review:
            rows.append(("Last review", say_date(data.last_review)))
    overdue = " (overdue)" if data.review_due < data.generated_at.date() else ""
    rows.append(("Review due", say_date(data.review_due) + overdue))
    return Table(("", ""), rows, (1, 4), header=False)


def _pillar(p: PillarPlan, partner: bool) -> list[Block]:
    blocks: list[Block] = [Heading(p.pillar.capitalize(), 1)]
    if not partner:
        blocks.append(Para(f"Lead: {p.lead or 'none named'}"))
        blocks.append(Heading("Objectives", 2))
        if p.objectives:
            rows = [
                (
                    f"#{o.id} {f'({o.level}) ' if o.level else ''}{o.what}",
                    o.measure,
                    say_date(o.target) if o.target else "no date",
                    o.status,
                )
                for o in p.objectives
            ]
            blocks.append(Table(("What", "Measure", "Target", "Status"), rows, (9, 7, 3, 3)))
        elif p.not_developed:
            blocks.append(Para("No objectives: not developed (below).", quiet=True))
        else:
            blocks.append(Para("No objective, and no decision saying why not.", quiet=True))
    elif not (p.open_actions or p.done_actions or p.not_developed):
        return [*blocks, Para("Nothing here is written for partners.", quiet=True)]
    blocks.append(Heading("Open actions", 2))
    blocks.append(_open(p.open_actions))
    blocks.append(Heading("Completed actions", 2))
    blocks.append(_done(p.done_actions))
    if p.not_developed:
        blocks.append(Heading("Strands not developed, and why", 2))
        blocks.append(Bullets(p.not_developed))
    return blocks


def _open(actions: list[ActionRow]) -> Block:
    if not actions:
        return Para("None open.", quiet=True)
    rows = [
        (
            str(a.id),
            a.text,
            a.owner,
            say_date(a.due) + (" (overdue)" if a.overdue else ""),
        )
        for a in actions
    ]
    return Table(("#", "Action", "Owner", "Due"), rows, (2, 12, 4, 4))


def _done(actions: list[ActionRow]) -> Block:
    if not actions:
        return Para("None completed.", quiet=True)
    rows = [(str(a.id), a.text, a.owner, a.result or "no result recorded") for a in actions]
    return Table(("#", "Action", "Owner", "Result"), rows, (2, 8, 4, 8))


def _around(data: PlanData) -> list[Block]:
    blocks: list[Block] = [Heading("Nominals in focus", 1)]
    if data.nominals:
        rows = [(n.name, n.role, n.status) for n in data.nominals]
        blocks.append(Table(("Name", "Role", "Status"), rows, (3, 2, 2)))
    else:
        blocks.append(Para("None recorded.", quiet=True))
    blocks.append(Heading("Business-model targets", 1))
    blocks.append(Bullets(data.targets) if data.targets else Para("None recorded.", quiet=True))
    blocks.append(Heading("Partners tasked", 1))
    blocks.append(
        Bullets(data.partners_tasked)
        if data.partners_tasked
        else Para("No partner holds an open action.", quiet=True)
    )
    blocks.append(Heading("Intelligence requirements", 1))
    if data.intel:
        intel = [
            (str(i.id), i.requirement, i.collection or "", i.response or "", i.owner, i.status)
            for i in data.intel
        ]
        blocks.append(
            Table(
                ("#", "Requirement", "Collection plan", "Response", "Owner", "Status"),
                intel,
                (2, 8, 7, 6, 4, 4),
            )
        )
    else:
        blocks.append(Para("None recorded.", quiet=True))
    return blocks


def decision_label(d: DecisionRow) -> str:
    """``Not doing (prepare): no exit work (corrects #12)``."""
    label = TOPIC_WORDS.get(d.topic, d.topic.capitalize())
    pillar = f" ({d.pillar})" if d.pillar else ""
    corrects = f" (corrects #{d.corrects})" if d.corrects else ""
    return f"{label}{pillar}: {d.text}{corrects}"


def _decisions(decisions: list[DecisionRow], partner: bool) -> Block:
    if not decisions:
        return Para("None recorded." if not partner else "None shared.", quiet=True)
    if partner:  # no authors in a partner's view
        rows = [(str(d.id), say_date(d.at), decision_label(d), d.rationale) for d in decisions]
        return Table(("#", "When", "Decision", "Rationale"), rows, (2, 4, 9, 9))
    rows = [
        (str(d.id), f"{say_when(d.at)}\n{d.by}", decision_label(d), d.rationale) for d in decisions
    ]
    return Table(("#", "When, by", "Decision", "Rationale"), rows, (2, 5, 9, 9))


# -- withholding ----------------------------------------------------------------------------------

T = TypeVar("T")


def withheld(data: T, hide: Callable[[str], str]) -> T:
    """``data`` (a ``PlanData`` or any part of one) with ``hide`` applied to every string in it,
    however deeply nested: the core's withholding reaches every text a partner's document
    prints, including fields added to ``PlanData`` later."""
    return _each(data, hide)  # type: ignore[no-any-return]


def _each(value: Any, hide: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return hide(value)
    if isinstance(value, list):
        return [_each(v, hide) for v in value]
    if isinstance(value, tuple):
        return tuple(_each(v, hide) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _each(getattr(value, f.name), hide) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value  # dates, numbers, None, booleans
