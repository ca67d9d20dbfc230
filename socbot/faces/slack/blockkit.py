"""Render the core's ``Reply`` as Slack Block Kit messages, always inside Slack's limits.

Slack rejects a whole message when one limit is broken, so every limit is enforced here: long
lists are paged ("page 1 of 3") rather than cut, long text is split across sections, and text a
user typed is escaped so ``<!channel>`` or ``<@U1>`` can never ping anyone. A button carries its
command as JSON in ``value``; a form's name and payload travel in the modal's
``private_metadata`` (modals and the App Home are in ``slack_views``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from socbot.model import Button, Fact, Item, Reply, Severity
from socbot.render_text import render

log = logging.getLogger(__name__)

# Slack's published limits (api.slack.com/reference/block-kit).
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
FIELD_TEXT = 2000
FIELDS = 10
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ACTIONS = 25
MODAL_TEXT = 24
METADATA = 3000
OPTIONS = 100
OPTION_TEXT = 75
OPTION_VALUE = 150
PLACEHOLDER = 150
LABEL = 2000
FALLBACK = 3000  # notification text; the blocks carry the whole reply

ACTION_ID = "socbot:"  # buttons that run a command or open a form
HOME_ACTION_ID = "socbot.home:"  # paging buttons in the App Home
CALLBACK_ID = "socbot.form"
FLAG = {
    Severity.WARNING: ":warning: ",
    Severity.ERROR: ":red_circle: ",
    Severity.SUCCESS: ":white_check_mark: ",
}

Block = dict[str, Any]
Unit = list[Block]  # blocks that must stay together on one page


def escape(text: str) -> str:
    """Slack's three control characters, so typed text is shown, never parsed as a mention."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, size: int) -> str:
    """Shorten a plain-text label visibly (an ellipsis), for labels only, never for content."""
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def chunks(text: str, size: int = SECTION_TEXT) -> list[str]:
    """Split escaped text into pieces of at most ``size``, at a line or word where possible."""
    out: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        if cut < size // 2:
            cut = text.rfind(" ", 0, size)
        if cut < size // 2:
            cut = size
            amp = text.rfind("&", cut - 5, cut)
            if amp != -1 and ";" not in text[amp:cut]:
                cut = amp  # never split an entity such as &amp;
        out.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n ")
    if text or not out:
        out.append(text)
    return out


def plain(text: str, size: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, size) or " ", "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: Slack adds no links or mentions of its own to our text.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def text_section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(text)}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts[:10]]}


def _text_units(escaped: str) -> list[Unit]:
    return [[text_section(piece)] for piece in chunks(escaped)]


def encode(action: str, payload: dict[str, str], replace: bool = False) -> str:
    """A button's command as compact JSON; ``r`` asks for the message to be replaced after."""
    data: dict[str, Any] = {"a": action, "p": payload}
    if replace:
        data["r"] = 1
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def decode(value: str) -> tuple[str, dict[str, str], bool]:
    """Inverse of ``encode``; ValueError for anything we did not write."""
    data = json.loads(value)
    action, payload = data.get("a"), data.get("p", {})
    if not isinstance(action, str) or not isinstance(payload, dict):
        raise ValueError("not a socbot button")
    return action, {str(k): str(v) for k, v in payload.items()}, bool(data.get("r"))


class _Buttons:
    """Numbers buttons so every action_id in a message is unique."""

    def __init__(self, replace: bool):
        self.replace, self.count = replace, 0

    def element(self, button: Button) -> Block | None:
        value = encode(button.action, button.payload, self.replace)
        if len(value) > BUTTON_VALUE:
            log.warning("button %r dropped: its payload is over Slack's limit", button.label)
            return None
        self.count += 1
        element: Block = {
            "type": "button",
            "text": plain(button.label, BUTTON_TEXT),
            "action_id": f"{ACTION_ID}{self.count}",
            "value": value,
        }
        if button.style in ("primary", "danger"):
            element["style"] = button.style
        return element

    def blocks(self, buttons: Iterable[Button]) -> list[Block]:
        elements = [e for e in (self.element(b) for b in buttons) if e]
        return [
            {"type": "actions", "elements": elements[i : i + ACTIONS]}
            for i in range(0, len(elements), ACTIONS)
        ]


def _flag(severity: Severity | None) -> str:
    return FLAG.get(severity, "") if severity else ""


def _fact_units(facts: list[Fact]) -> list[Unit]:
    """Facts as two-column fields, ten to a section; one too long for a field gets sections."""
    units: list[Unit] = []
    fields: list[dict[str, Any]] = []

    def flush() -> None:
        if fields:
            units.append([{"type": "section", "fields": list(fields)}])
            fields.clear()

    for fact in facts:
        text = f"*{escape(fact.label)}*\n{_flag(fact.severity)}{escape(fact.value)}"
        if len(text) > FIELD_TEXT:
            flush()
            units += _text_units(text)
            continue
        fields.append(mrkdwn(text))
        if len(fields) == FIELDS:
            flush()
    flush()
    return units


def _item_text(item: Item) -> str:
    text = f"• {_flag(item.severity)}{escape(item.text)}"
    return text + (f"\n      {escape(item.detail)}" if item.detail else "")


def _item_units(items: list[Item], buttons: _Buttons) -> list[Unit]:
    """Plain items share sections (up to the text limit); an item with buttons stands alone."""
    units: list[Unit] = []
    lines: list[str] = []

    def flush() -> None:
        if lines:
            units.extend(_text_units("\n".join(lines)))
            lines.clear()

    for item in items:
        text = _item_text(item)
        if not item.buttons:
            if lines and len("\n".join([*lines, text])) > SECTION_TEXT:
                flush()
            lines.append(text)
            continue
        flush()
        pieces = chunks(text)
        head = [text_section(p) for p in pieces]
        if len(item.buttons) == 1 and (accessory := buttons.element(item.buttons[0])):
            head[-1]["accessory"] = accessory
            units.append(head)
        else:
            units.append(head + buttons.blocks(item.buttons))
    flush()
    return units


def _button_groups(reply: Reply) -> int:
    items = [i for s in reply.sections for i in s.items] + reply.items
    return sum(1 for i in items if i.buttons) + (1 if reply.buttons or reply.form else 0)


def units(reply: Reply, *, headline: bool = True) -> list[Unit]:
    """The reply as units in reading order; ``headline=False`` shows the title as bold text."""
    buttons = _Buttons(replace=_button_groups(reply) == 1)
    out: list[Unit] = []
    if reply.title:
        if headline and len(reply.title) <= HEADER_TEXT:
            out.append([{"type": "header", "text": plain(reply.title, HEADER_TEXT)}])
        else:
            out += _text_units(f"*{escape(reply.title)}*")
    if reply.text:
        flag = ":warning: " if reply.error else _flag(reply.severity)
        out += _text_units(flag + escape(reply.text))
    out += _fact_units(reply.facts)
    out += _item_units(reply.items, buttons)
    for section in reply.sections:
        title = [text_section(f"*{escape(section.title)}*")] if section.title else []
        out.append([{"type": "divider"}, *title])
        if section.text:
            out += _text_units(escape(section.text))
        out += _fact_units(section.facts)
        out += _item_units(section.items, buttons)
    more = list(reply.buttons)
    if reply.form:
        more.append(Button(reply.form.title, f"form:{reply.form.name}", reply.form.payload))
    out += [[b] for b in buttons.blocks(more)]
    if reply.context:
        out.append([context(escape(reply.context)[:SECTION_TEXT])])
    if reply.classification and not reply.error:  # the marking closes every view of the work
        out.append([context(f"*{reply.classification}*")])
    return out or [[text_section(" ")]]


def summary(reply: Reply) -> str:
    """One escaped line saying what a button or form did, to mark the message acted on."""
    line = (reply.title or reply.text or "Done").strip().splitlines()[0]
    return f"{FLAG[Severity.SUCCESS]}{escape(clip(line, 300))}"


def mark(blocks: list[Block], block_id: str, action_id: str, note: str) -> list[Block]:
    """The message acted on, with the pressed buttons replaced by ``note`` (same block count)."""
    out: list[Block] = []
    for block in blocks:
        if block.get("block_id") != block_id:
            out.append(block)
        elif block.get("type") == "actions":
            out.append({**context(note), "block_id": block_id})
        elif (block.get("accessory") or {}).get("action_id") == action_id:
            text = block.get("text") or mrkdwn("")
            body = f"{text.get('text', '')}\n{note}"
            out.append(
                {k: v for k, v in block.items() if k != "accessory"}
                | {"text": mrkdwn(body if len(body) <= SECTION_TEXT else note)}
            )
        else:
            out.append(block)
    return out


def paginate(parts: list[Unit], limit: int) -> list[list[Block]]:
    """Pack units into pages of at most ``limit`` blocks, each marked "page i of N" when split."""
    if sum(len(u) for u in parts) <= limit:
        return [[b for u in parts for b in u]]
    pages: list[list[Block]] = [[]]
    for unit in parts:
        if pages[-1] and len(pages[-1]) + len(unit) > limit - 1:
            pages.append([])
        pages[-1].extend(unit)
    for n, page in enumerate(pages, 1):
        page.append(context(f"page {n} of {len(pages)}"))
    return pages


def fallback(reply: Reply) -> str:
    """The notification text (escaped): the plain-text rendering, shortened for a preview."""
    text = escape(render(reply)) or " "
    return text if len(text) <= FALLBACK else chunks(text, FALLBACK - 1)[0] + "…"


def message(reply: Reply, limit: int = MESSAGE_BLOCKS) -> list[list[Block]]:
    """One or more pages of blocks for chat messages."""
    return paginate(units(reply), limit)
