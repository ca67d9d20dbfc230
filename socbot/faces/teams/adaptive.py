"""Render the core ``Reply`` as an Adaptive Card (schema 1.5, the newest Teams renders everywhere).

Every string that reaches the card passes through ``safe()``: plugins put user-typed text
(descriptions, names, results) into replies, and Teams would otherwise turn ``<at>..</at>`` into a
mention or ``[text](url)`` into a disguised link. Buttons are Universal Actions (``Action.Execute``
with the command as verb, answered by an ``adaptiveCard/action`` invoke), each with an
``Action.Submit`` fallback for clients that lack them; both carry ``{"verb": action, "payload":
{...}}``. A form's submit carries ``"verb": "submit:<form name>"`` and its inputs come back beside
it under ``in.<input name>``. A live card (``Live``) also carries a ``refresh`` that re-runs its
command for each viewer, so everyone sees their own permitted view of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from socbot.model import Button, Fact, Form, Input, Item, Reply, Section, Severity

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SUBMIT_PREFIX = "submit:"
INPUT_PREFIX = "in."
MAX_ITEMS = 40  # a Teams message is capped at ~28 KB; long lists are cut with a note
REFRESH = "refresh"  # the verb of a live card's refresh and of its "Show my view" button
MAX_REFRESH_USERS = 60  # Teams refreshes a card automatically for at most 60 named users
SHOW_MY_VIEW = "Show my view"

COLOUR = {Severity.ERROR: "attention", Severity.WARNING: "warning", Severity.SUCCESS: "good"}
FLAGGED = (Severity.WARNING, Severity.ERROR)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CODE = re.compile(r"`([^`\n]{1,200})`")


def safe(text: str | None) -> str:
    """Neutralise markup a user could smuggle into a card: mentions, links, HTML.

    A zero-width space after ``<`` and between ``]`` and ``(`` keeps the text readable while
    Teams no longer sees ``<at>`` tags or markdown links. Inline code (``\\`help\\```) has no
    Adaptive Card equivalent, so it is shown in bold.
    """
    if not text:
        return ""
    text = text.replace("<", "<\u200b").replace("](", "]\u200b(")
    return _CODE.sub(r"**\1**", text)


def text_block(text: str | None, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": safe(text), "wrap": True, **style}


def _colour(severity: Severity | None) -> dict[str, str]:
    return {"color": COLOUR[severity]} if severity in COLOUR else {}


@dataclass(frozen=True)
class Live:
    """A card that refreshes for each viewer: the command to re-run as them (its verb and an OCG
    reference, never what the poster saw) and who Teams should refresh it for (None: unknown)."""

    verb: str
    ref: str
    user_ids: tuple[str, ...] | None = None

    def data(self) -> dict[str, Any]:
        return {"verb": self.verb, "payload": {"args": self.ref}}


def execute(
    title: str, verb: str, data: dict[str, Any], style: str | None = None
) -> dict[str, Any]:
    """``Action.Execute`` with an ``Action.Submit`` fallback carrying the same data, so a client
    without Universal Actions still sends the button as a message."""
    fallback: dict[str, Any] = {"type": "Action.Submit", "title": title, "data": data}
    action: dict[str, Any] = {"type": "Action.Execute", "title": title, "verb": verb, "data": data}
    if style:
        fallback["style"] = action["style"] = style
    action["fallback"] = fallback
    return action


def submit(button: Button, *, single: bool = False) -> dict[str, Any]:
    """A button: what ``Bot.press`` needs, and ``single`` when the card has no other buttons to
    keep, so the face may replace the whole card with the result."""
    data: dict[str, Any] = {
        "verb": button.action,
        "payload": {k: str(v) for k, v in button.payload.items()},
    }
    if single:
        data["single"] = True
    style = None
    if button.style in ("primary", "danger"):
        style = "positive" if button.style == "primary" else "destructive"
    return execute(safe(button.label), button.action, data, style)


def refresh(live: Live) -> dict[str, Any] | None:
    """The card's ``refresh``: Teams re-asks the bot, as each listed viewer, when they see it.
    None above Teams' limit of named users (or when they are unknown): a button instead."""
    ids = live.user_ids
    if not ids or len(ids) > MAX_REFRESH_USERS:
        return None
    action = {"type": "Action.Execute", "verb": REFRESH, "data": live.data()}
    return {"action": action, "userIds": list(ids)}


def show_my_view(live: Live) -> dict[str, Any]:
    """Where Teams won't refresh for everyone: each viewer asks for their own view."""
    return execute(SHOW_MY_VIEW, REFRESH, live.data())


def facts(rows: list[Fact]) -> list[dict[str, Any]]:
    """A FactSet; when a fact is flagged (overdue), rows instead, so the value can be coloured."""
    if not rows:
        return []
    if not any(f.severity in FLAGGED for f in rows):
        return [
            {
                "type": "FactSet",
                "facts": [{"title": safe(f.label), "value": safe(f.value)} for f in rows],
            }
        ]
    return [
        {
            "type": "ColumnSet",
            "spacing": "None",
            "columns": [
                {"type": "Column", "width": 2, "items": [text_block(f.label, weight="Bolder")]},
                {
                    "type": "Column",
                    "width": 3,
                    "items": [
                        text_block(
                            f"{f.value} ⚠" if f.severity in FLAGGED else f.value,
                            **_colour(f.severity),
                        )
                    ],
                },
            ],
        }
        for f in rows
    ]


def item(row: Item, single: bool = False) -> dict[str, Any]:
    flagged = row.severity in FLAGGED
    body = [text_block(f"⚠ {row.text}" if flagged else f"• {row.text}", **_colour(row.severity))]
    if row.detail:
        body.append(text_block(row.detail, isSubtle=True, size="Small", spacing="None"))
    if row.buttons:
        actions = [submit(b, single=single) for b in row.buttons]
        body.append({"type": "ActionSet", "actions": actions})
    return {"type": "Container", "items": body, "spacing": "Small"}


def items(rows: list[Item], single: bool = False) -> list[dict[str, Any]]:
    shown = [item(r, single) for r in rows[:MAX_ITEMS]]
    if len(rows) > MAX_ITEMS:
        more = len(rows) - MAX_ITEMS
        shown.append(
            text_block(f"…and {more} more. Narrow the question to see them.", isSubtle=True)
        )
    return shown


def section(part: Section, single: bool = False) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = []
    if part.title:
        body.append(text_block(part.title, weight="Bolder", separator=True, spacing="Medium"))
    if part.text:
        body.append(text_block(part.text))
    return body + facts(part.facts) + items(part.items, single)


def field(spec: Input, error: str | None) -> list[dict[str, Any]]:
    """One form input with its label; the core's error for it, if any, shown right below."""
    element: dict[str, Any] = {
        "id": INPUT_PREFIX + spec.name,
        "label": safe(spec.label),
        "isRequired": spec.required,
        "errorMessage": safe(error or f"{spec.label} is needed."),
    }
    value = spec.value or ""
    if spec.kind == "choice":
        element |= {
            "type": "Input.ChoiceSet",
            "style": "compact",
            "choices": [{"title": safe(c), "value": c} for c in spec.choices],
        }
    elif spec.kind == "date":
        element["type"] = "Input.Date"
        value = value if _ISO_DATE.match(value) else ""  # Teams drops a non-ISO date value
    else:
        element["type"] = "Input.Text"
        if spec.kind == "multiline":
            element["isMultiline"] = True
    if value:
        element["value"] = value
    if spec.placeholder:
        element["placeholder"] = safe(spec.placeholder)
    body = [element]
    if error:
        body.append(text_block(error, color="attention", size="Small", spacing="None"))
    return body


def form(spec: Form) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    body: list[dict[str, Any]] = []
    for spec_input in spec.inputs:
        body += field(spec_input, spec.errors.get(spec_input.name))
    verb = SUBMIT_PREFIX + spec.name
    data = {"verb": verb, "payload": dict(spec.payload)}
    return body, [execute(safe(spec.submit_label), verb, data, "positive")]


def card(reply: Reply, *, footer: str | None = None, live: Live | None = None) -> dict[str, Any]:
    """The whole reply as one card: title, text, facts, lists, sections, form, buttons, notes;
    with ``live``, the refresh (or the "Show my view" button) that shows each viewer theirs."""
    body: list[dict[str, Any]] = []
    if reply.title:
        body.append(
            text_block(reply.title, size="Medium", weight="Bolder", **_colour(reply.severity))
        )
    if reply.text:
        colour = _colour(reply.severity) if reply.error or not reply.title else {}
        body.append(text_block(reply.text, **colour))
    rows = [*reply.items, *(i for part in reply.sections for i in part.items)]
    groups = sum(1 for r in rows if r.buttons) + (1 if reply.buttons else 0)
    single = groups == 1 and reply.form is None
    body += facts(reply.facts) + items(reply.items, single)
    for part in reply.sections:
        body += section(part, single)
    actions = [submit(b, single=single) for b in reply.buttons]
    if reply.form is not None:
        inputs, form_actions = form(reply.form)
        body += inputs
        actions = form_actions + actions
    if reply.sanitised:
        body.append(text_block("Partner view: shared detail only.", isSubtle=True, size="Small"))
    for small in (reply.context, footer):
        if small:
            body.append(text_block(small, isSubtle=True, size="Small"))
    if not body:
        body.append(text_block("Done."))
    if reply.classification and not reply.error:  # the marking heads and closes the card
        marking = {"size": "Small", "weight": "Bolder", "horizontalAlignment": "Center"}
        body.insert(0, text_block(reply.classification, **marking))
        body.append(text_block(reply.classification, **marking))
    content: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if live is not None and not reply.error:
        found = refresh(live)
        if found is not None:
            content["refresh"] = found
        else:
            actions.append(show_my_view(live))
    if actions:
        content["actions"] = actions
    return content


def summary(reply: Reply) -> str:
    """A plain one-liner for notifications and screen readers (cards have no text of their own)."""
    text = reply.title or reply.text or (reply.form.title if reply.form else "") or "socbot"
    return safe(text.splitlines()[0])[:200]
