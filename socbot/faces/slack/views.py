"""Slack views: a ``Form`` as a modal (and its submission back to values), a submission's
outcome, and the App Home tab. Same limits as messages, with 100 blocks instead of 50.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date
from typing import Any

from socbot.faces.slack.blockkit import (
    BUTTON_TEXT,
    CALLBACK_ID,
    HEADER_TEXT,
    HOME_ACTION_ID,
    LABEL,
    METADATA,
    MODAL_TEXT,
    OPTION_TEXT,
    OPTION_VALUE,
    OPTIONS,
    PLACEHOLDER,
    SECTION_TEXT,
    VIEW_BLOCKS,
    Block,
    escape,
    paginate,
    plain,
    text_section,
    units,
)
from socbot.model import Form, Input, Reply


def _element(field: Input) -> Block:
    element: Block = {"action_id": field.name}
    if field.placeholder:
        element["placeholder"] = plain(field.placeholder, PLACEHOLDER)
    if field.kind == "date":
        element["type"] = "datepicker"
        if field.value:
            with contextlib.suppress(ValueError):
                element["initial_date"] = date.fromisoformat(field.value).isoformat()
        return element
    if field.kind == "choice" and 0 < len(field.choices) <= OPTIONS:
        options = [
            {"text": plain(c, OPTION_TEXT), "value": c[:OPTION_VALUE]} for c in field.choices
        ]
        element.update(type="static_select", options=options)
        chosen = next((o for o in options if o["value"] == field.value), None)
        if chosen:
            element["initial_option"] = chosen
        return element
    element["type"] = "plain_text_input"
    if field.kind == "multiline":
        element["multiline"] = True
    if field.value:
        element["initial_value"] = field.value[:SECTION_TEXT]
    return element


def modal(form: Form, metadata: dict[str, Any]) -> dict[str, Any]:
    """A modal whose submission comes back as a ``view_submission`` with ``metadata``."""
    meta = json.dumps({"f": form.name, "p": form.payload, **metadata}, separators=(",", ":"))
    if len(meta) > METADATA:  # drop the optional extras rather than break the modal
        meta = json.dumps({"f": form.name, "p": form.payload}, separators=(",", ":"))
    blocks: list[Block] = []
    if len(form.title) > MODAL_TEXT:
        blocks.append(text_section(f"*{escape(form.title)}*"))
    for field in form.inputs:
        blocks.append(
            {
                "type": "input",
                "block_id": field.name,
                "label": plain(field.label, LABEL),
                "optional": not field.required,
                "element": _element(field),
            }
        )
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain(form.title, MODAL_TEXT),
        "submit": plain(form.submit_label, MODAL_TEXT),
        "close": plain("Cancel", MODAL_TEXT),
        "private_metadata": meta,
        "blocks": blocks[:VIEW_BLOCKS],
    }


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """What ``modal`` stored; ValueError when the view is not ours."""
    data = json.loads(view.get("private_metadata") or "{}")
    if not isinstance(data, dict) or not isinstance(data.get("f"), str):
        raise ValueError("not a socbot form")
    return data


def values(state: dict[str, Any]) -> dict[str, str]:
    """A submitted view's state as ``{input name: text}`` (dates as YYYY-MM-DD)."""
    out: dict[str, str] = {}
    for block_id, actions in state.get("values", {}).items():
        for element in actions.values():
            option = element.get("selected_option") or {}
            found = element.get("value") or element.get("selected_date") or option.get("value")
            out[block_id] = found or ""
    return out


def field_errors(form: Form) -> dict[str, str]:
    """``response_action: errors`` wants messages keyed by the input's block_id."""
    names = {i.name for i in form.inputs}
    return {k: v[:LABEL] for k, v in form.errors.items() if k in names}


def result_view(reply: Reply) -> dict[str, Any]:
    """What a modal turns into after a successful submission: the outcome, and Close."""
    return {
        "type": "modal",
        "title": plain(reply.title or "socbot", MODAL_TEXT),
        "close": plain("Close", MODAL_TEXT),
        "blocks": paginate(units(reply, headline=False), VIEW_BLOCKS)[0],
    }


# -- App Home ---------------------------------------------------------------------------------


def home(
    parts: list[tuple[str, str, Reply]],
    pages: dict[str, int] | None = None,
    notice: Reply | None = None,
) -> dict[str, Any]:
    """The App Home: one paged part per (key, heading, reply), with an optional notice on top."""
    pages = pages or {}
    top = paginate(units(notice, headline=False), 20)[0] + [{"type": "divider"}] if notice else []
    budget = (VIEW_BLOCKS - len(top)) // max(len(parts), 1) - 2  # header and paging buttons
    blocks = list(top)
    for key, heading, reply in parts:
        paged = paginate(units(reply, headline=False), budget)
        page = min(max(pages.get(key, 1), 1), len(paged))
        blocks.append({"type": "header", "text": plain(heading, HEADER_TEXT)})
        blocks += paged[page - 1]
        nav = [("‹ Previous", page - 1), ("Next ›", page + 1)]
        elements = [
            {
                "type": "button",
                "text": plain(label, BUTTON_TEXT),
                "action_id": f"{HOME_ACTION_ID}{key}:{target}",
                "value": json.dumps({"part": key, "page": target, "pages": pages}),
            }
            for label, target in nav
            if 1 <= target <= len(paged)
        ]
        if elements:
            blocks.append({"type": "actions", "elements": elements})
    return {"type": "home", "blocks": blocks[:VIEW_BLOCKS]}
