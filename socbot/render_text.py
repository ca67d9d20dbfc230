"""Plain-text rendering of a Reply: the console face, logs, and notification fallbacks."""

from __future__ import annotations

from socbot.model import Fact, Item, Reply, Severity

MARK = {Severity.WARNING: "!", Severity.ERROR: "!!", Severity.SUCCESS: "ok"}


def _fact(fact: Fact) -> str:
    flag = f" [{MARK[fact.severity]}]" if fact.severity in MARK else ""
    return f"  {fact.label}: {fact.value}{flag}"


def _item(item: Item) -> list[str]:
    flag = "! " if item.severity in (Severity.WARNING, Severity.ERROR) else ""
    lines = [f"  - {flag}{item.text}"]
    if item.detail:
        lines.append(f"    {item.detail}")
    if item.buttons:
        lines.append("    [" + "] [".join(b.label for b in item.buttons) + "]")
    return lines


def render(reply: Reply) -> str:
    """Readable in a terminal and in an email: headings, facts, bullets."""
    lines: list[str] = []
    if reply.title:
        lines += [reply.title, "=" * min(len(reply.title), 72)]
    if reply.text:
        lines.append(reply.text)
    lines += [_fact(f) for f in reply.facts]
    for item in reply.items:
        lines += _item(item)
    for section in reply.sections:
        lines.append("")
        if section.title:
            lines.append(f"{section.title}")
        if section.text:
            lines.append(f"  {section.text}")
        lines += [_fact(f) for f in section.facts]
        for item in section.items:
            lines += _item(item)
    if reply.form:
        lines.append("")
        lines.append(f"Form: {reply.form.title}")
        for field in reply.form.inputs:
            error = reply.form.errors.get(field.name)
            lines.append(
                f"  {field.label}{' (required)' if field.required else ''}"
                + (f"  <- {error}" if error else "")
            )
    for path in reply.images:
        lines.append(f"Chart saved to {path}")
    for path in reply.files:
        lines.append(f"File: {path}")
    if reply.buttons:
        lines.append("[" + "] [".join(b.label for b in reply.buttons) + "]")
    if reply.context:
        lines.append(reply.context)
    return "\n".join(lines).strip()
