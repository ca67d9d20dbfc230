"""A plan as Markdown: readable as plain text, and rendered by anything that reads GitHub
Markdown (tables included)."""

from __future__ import annotations

import re

from socbot_plugins.plan import document
from socbot_plugins.plan.document import Bullets, Heading, Image, PageBreak, Para, Table
from socbot_plugins.plan.view import PlanData

# What people type that Markdown would read as formatting, a link or HTML, or that would end a
# table cell; "[name withheld]" stays as it is (a "]" is escaped only where a link would start).
_SPECIAL = re.compile(r"([\\`*_<>|]|\](?=[(\[]))")
_LINE_START = re.compile(r"^([#>+-]|\d+\.)")


def render(data: PlanData) -> str:
    doc = document.build(data)
    out = [f"**{doc.marking}**", "", f"# {_esc(doc.title)}", ""]
    if doc.note:
        out += [f"> **{doc.note}**", ""]
    out += [f"Generated {doc.generated}.", ""]
    for block in doc.blocks:
        out += _block(block)
        out.append("")
    out += ["---", "", f"**{doc.marking}**", ""]
    return "\n".join(out)


def _block(block: document.Block) -> list[str]:
    if isinstance(block, Heading):
        return [f"{'#' * (block.level + 1)} {_esc(block.text)}"]
    if isinstance(block, Para):
        return [f"*{_esc(block.text)}*" if block.quiet else _esc(block.text)]
    if isinstance(block, Bullets):
        return [f"- {_esc(item)}" for item in block.items]
    if isinstance(block, Image):
        return [f"![{_esc(block.caption)}]({block.path.as_posix()})"]
    if isinstance(block, PageBreak):
        return ["---"]
    return _table(block)


def _table(table: Table) -> list[str]:
    if not table.header:  # a label / value list
        return [f"- **{_esc(label)}:** {_cell(value)}" for label, value in table.rows]
    lines = [
        "| " + " | ".join(_cell(c) for c in table.columns) + " |",
        "|" + "|".join("---" for _ in table.columns) + "|",
    ]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in table.rows]
    return lines


def _esc(text: str) -> str:
    return _LINE_START.sub(r"\\\1", _SPECIAL.sub(r"\\\1", " ".join(text.split())))


def _cell(text: str) -> str:
    lines = (_SPECIAL.sub(r"\\\1", " ".join(line.split())) for line in text.splitlines())
    return "<br>".join(lines) or " "
