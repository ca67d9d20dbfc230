"""The Adaptive Cards 1.5 schema (adaptivecards.io/schemas/1.5.0/adaptive-card.json), reduced to
the types socbot renders: each type's properties, required ones and enumerations, so a card that
Teams would refuse or half-render fails a test. Teams' documented ``msteams`` property aside.
"""

from __future__ import annotations

from typing import Any

_ELEMENT = {"type", "id", "fallback", "height", "separator", "spacing", "isVisible", "requires"}
_INPUT = _ELEMENT | {"errorMessage", "isRequired", "label"}
_ACTION = {"type", "title", "iconUrl", "id", "style", "fallback", "tooltip", "isEnabled", "mode"}
_ACTION |= {"requires"}
PROPERTIES: dict[str, set[str]] = {
    "AdaptiveCard": {
        "type", "version", "$schema", "refresh", "authentication", "body", "actions",
        "selectAction", "fallbackText", "backgroundImage", "minHeight", "rtl", "speak", "lang",
        "verticalContentAlignment", "msteams",
    },
    "TextBlock": _ELEMENT | {
        "text", "color", "fontType", "horizontalAlignment", "isSubtle", "maxLines", "size",
        "weight", "wrap", "style",
    },
    "FactSet": _ELEMENT | {"facts"},
    "ColumnSet": _ELEMENT | {
        "columns", "selectAction", "style", "bleed", "minHeight", "horizontalAlignment",
    },
    "Column": _ELEMENT | {
        "items", "backgroundImage", "bleed", "minHeight", "rtl", "selectAction", "style",
        "verticalContentAlignment", "width",
    },
    "Container": _ELEMENT | {
        "items", "selectAction", "style", "verticalContentAlignment", "bleed",
        "backgroundImage", "minHeight", "rtl",
    },
    "ActionSet": _ELEMENT | {"actions"},
    "Action.Submit": _ACTION | {"data", "associatedInputs"},
    "Action.Execute": _ACTION | {"verb", "data", "associatedInputs"},
    "Input.Text": _INPUT | {
        "isMultiline", "maxLength", "placeholder", "regex", "style", "inlineAction", "value",
    },
    "Input.Date": _INPUT | {"max", "min", "placeholder", "value"},
    "Input.ChoiceSet": _INPUT | {
        "choices", "isMultiSelect", "style", "value", "placeholder", "wrap",
    },
}  # fmt: skip
REQUIRED = {
    "AdaptiveCard": {"type", "version"},
    "TextBlock": {"text"},
    "FactSet": {"facts"},
    "ActionSet": {"actions"},
    "Container": {"items"},
    "ColumnSet": set(),
    "Column": set(),
    "Action.Submit": set(),
    "Action.Execute": set(),
    "Input.Text": {"id"},
    "Input.Date": {"id"},
    "Input.ChoiceSet": {"id"},
}
ENUMS = {
    "color": {"default", "dark", "light", "accent", "good", "warning", "attention"},
    "size": {"small", "default", "medium", "large", "extralarge"},
    "weight": {"lighter", "default", "bolder"},
    "spacing": {"none", "small", "default", "medium", "large", "extralarge", "padding"},
}
ACTION_STYLES = {"default", "positive", "destructive"}
CHOICE_STYLES = {"compact", "expanded", "filtered"}
ACTIONS = {"Action.Submit", "Action.Execute"}


def problems(card: dict[str, Any]) -> list[str]:
    """Everything in ``card`` the 1.5 schema would not accept, as readable lines."""
    found: list[str] = []
    if card.get("type") != "AdaptiveCard":
        return ["the root is not an AdaptiveCard"]
    _check(card, "card", found)
    refresh = card.get("refresh")
    if refresh is not None:
        extra = set(refresh) - {"action", "userIds"}
        if extra:
            found.append(f"refresh: unknown {sorted(extra)}")
        if refresh.get("action", {}).get("type") != "Action.Execute":
            found.append("refresh.action must be an Action.Execute")
        ids = refresh.get("userIds", [])
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            found.append("refresh.userIds must be a list of strings")
        _check(refresh.get("action", {}), "refresh.action", found)
    for key in ("body", "actions"):
        for n, child in enumerate(card.get(key, [])):
            _walk(child, f"{key}[{n}]", found)
    return found


def _walk(node: dict[str, Any], where: str, found: list[str]) -> None:
    _check(node, where, found)
    for key in ("items", "columns", "actions"):
        for n, child in enumerate(node.get(key, []) or []):
            _walk(child, f"{where}.{key}[{n}]", found)
    fallback = node.get("fallback")
    if isinstance(fallback, dict):
        if node.get("type") in ACTIONS and fallback.get("type") not in ACTIONS:
            found.append(f"{where}.fallback: an action falls back to an action")
        _walk(fallback, f"{where}.fallback", found)
    elif fallback is not None and fallback != "drop":
        found.append(f"{where}.fallback: {fallback!r}")


def _check(node: dict[str, Any], where: str, found: list[str]) -> None:
    kind = node.get("type")
    if kind not in PROPERTIES:
        found.append(f"{where}: type {kind!r} is not in Adaptive Cards 1.5")
        return
    extra = set(node) - PROPERTIES[kind]
    if extra:
        found.append(f"{where} ({kind}): unknown {sorted(extra)}")
    missing = REQUIRED[kind] - set(node)
    if missing:
        found.append(f"{where} ({kind}): missing {sorted(missing)}")
    for key, allowed in ENUMS.items():
        if key in node and str(node[key]).lower() not in allowed:
            found.append(f"{where}.{key}: {node[key]!r}")
    if kind in ACTIONS and "style" in node and node["style"] not in ACTION_STYLES:
        found.append(f"{where}.style: {node['style']!r}")
    if kind == "Action.Execute" and not isinstance(node.get("verb"), str):
        found.append(f"{where}: an Action.Execute needs its verb")
    if kind == "Input.ChoiceSet" and node.get("style", "compact") not in CHOICE_STYLES:
        found.append(f"{where}.style: {node['style']!r}")
    if kind == "FactSet":
        for fact in node.get("facts", []):
            if set(fact) != {"title", "value"}:
                found.append(f"{where}: a fact has {sorted(fact)}")
