"""The platform-neutral model: what a face hands the core and what the core hands back.

Faces (console, Slack, Teams) turn platform payloads into a ``Command`` and render a ``Reply``;
plugins only ever see these types, so a plugin never needs a platform SDK.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

SENSITIVE_MARK = "[sensitive]"  # on every line showing a sensitive record: never shared


class Severity(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


class CommandError(Exception):
    """A user error: shown to the user as a polite reply; the command's transaction rolls back.

    ``field`` names the form input at fault, so Slack modals and Teams cards can show the
    message against it.
    """

    def __init__(self, message: str, *, field: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.hint = hint


class NotAllowed(CommandError):
    """The actor may not do this. Kept distinct so the audit records a refusal, not an error."""


@dataclass(frozen=True)
class Command:
    """One parsed chat command: ``ocg action smith pursue @bob "visit" by friday``."""

    verb: str
    args: tuple[str, ...] = ()
    options: dict[str, str] = field(default_factory=dict)
    mentions: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    text: str = ""
    share: bool = False

    def rest(self, start: int = 0) -> str:
        """Positional words from ``start`` joined back into one string."""
        return " ".join(self.args[start:])


@dataclass
class Button:
    """A quick reply. ``action`` is a command verb (or ``form:NAME``); ``payload`` its options."""

    label: str
    action: str
    payload: dict[str, str] = field(default_factory=dict)
    style: str | None = None  # "primary" | "danger" | None


@dataclass
class Fact:
    label: str
    value: str
    severity: Severity | None = None


@dataclass
class Item:
    """One line of a list: an action, a disruption, a candidate OCG."""

    text: str
    detail: str | None = None
    severity: Severity | None = None
    buttons: list[Button] = field(default_factory=list)


@dataclass
class Section:
    title: str | None = None
    text: str | None = None
    facts: list[Fact] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


@dataclass
class Input:
    """One field of a form (a Slack modal, a Teams card, console prompts)."""

    name: str
    label: str
    kind: str = "text"  # text | multiline | date | choice
    choices: tuple[str, ...] = ()
    required: bool = True
    value: str | None = None
    placeholder: str | None = None


@dataclass
class Form:
    """A form whose submission runs ``name`` through ``Bot.submit``."""

    name: str
    title: str
    inputs: list[Input]
    submit_label: str = "Submit"
    payload: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class DigestEntry:
    """One line of a digest section, under a key that stays the same from day to day while it
    is the same thing (``"review-overdue:3:2027-02-20"``): how the digest tells what is new."""

    key: str
    item: Item


@dataclass
class DigestPart:
    """A section of the coordinators' digest, from a plugin's ``digest_sections``.

    ``new`` words a count of new entries in the digest's lead line, singular and plural
    (``("new review overdue", "new reviews overdue")``); ``gone`` words entries that were in the
    previous digest and are not now (``("review recorded", "reviews recorded")``), or None when
    an entry leaving is no news (a list of events). ``more`` is the command listing them all:
    entries the previous digest already showed are counted, not repeated. ``noun`` words the
    whole count in the first digest's lead (the title, lower-cased, without it)."""

    key: str
    title: str
    entries: list[DigestEntry]
    new: tuple[str, str]
    gone: tuple[str, str] | None = None
    more: str | None = None
    order: int = 50  # lower first; the actions plugin's overdue actions are 0
    noun: tuple[str, str] | None = None  # one entry, many: ("review due", "reviews due")

    def count(self, n: int) -> str:
        """``n`` entries in words (the first digest's lead): "1 review due", "2 reviews due"."""
        one, many = self.noun or (self.title.lower(), self.title.lower())
        return f"{n} {one if n == 1 else many}"


@dataclass(frozen=True)
class Withdraw:
    """A plugin's answer when the outbox asks it to render a message at delivery and the
    message no longer has a point (the action was closed, the review recorded): the row is
    marked ``withdrawn`` with ``reason`` and nothing is sent."""

    reason: str


@dataclass
class Reply:
    """What every command returns and every face renders (plain text, Block Kit, Adaptive Card)."""

    title: str | None = None
    text: str | None = None
    facts: list[Fact] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    severity: Severity = Severity.INFO
    ephemeral: bool = True
    context: str | None = None  # small print: "page 1 of 3", "as of ..."
    images: list[Path] = field(default_factory=list)
    # documents posted with the message as files (a scheduled pack's PDF): Slack uploads them,
    # Teams attaches them; the file must exist when the message is delivered
    files: list[Path] = field(default_factory=list)
    form: Form | None = None
    error: bool = False  # a user error (exit status 1 on the console)
    sanitised: bool = False  # rendered for a partner: never shareable to a channel
    field: str | None = None  # with ``error``: the form input at fault
    # its marking (``socbot.channels``): set by the core when a command had none to give
    classification: str | None = None

    @classmethod
    def fail(cls, message: str, hint: str | None = None, field: str | None = None) -> Reply:
        return cls(text=message, context=hint, severity=Severity.ERROR, error=True, field=field)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the outbox: ``asdict`` with paths as strings, built directly (a sweep
        serialises thousands of replies and ``asdict`` deep-copies every leaf)."""
        form = self.form
        return {
            "title": self.title,
            "text": self.text,
            "facts": _facts(self.facts),
            "sections": [
                {
                    "title": s.title,
                    "text": s.text,
                    "facts": _facts(s.facts),
                    "items": _items(s.items),
                }
                for s in self.sections
            ],
            "items": _items(self.items),
            "buttons": _buttons(self.buttons),
            "severity": self.severity,
            "ephemeral": self.ephemeral,
            "context": self.context,
            "images": [str(p) for p in self.images],
            "files": [str(p) for p in self.files],
            "form": None
            if form is None
            else {
                "name": form.name,
                "title": form.title,
                "inputs": [{**vars(i), "choices": tuple(i.choices)} for i in form.inputs],
                "submit_label": form.submit_label,
                "payload": dict(form.payload),
                "errors": dict(form.errors),
            },
            "error": self.error,
            "sanitised": self.sanitised,
            "field": self.field,
            "classification": self.classification,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        def buttons(rows: list[dict[str, Any]]) -> list[Button]:
            return [Button(**b) for b in rows]

        def facts(rows: list[dict[str, Any]]) -> list[Fact]:
            return [Fact(r["label"], r["value"], _sev(r.get("severity"))) for r in rows]

        def items(rows: list[dict[str, Any]]) -> list[Item]:
            return [
                Item(r["text"], r.get("detail"), _sev(r.get("severity")), buttons(r["buttons"]))
                for r in rows
            ]

        form = data.get("form")
        return cls(
            title=data.get("title"),
            text=data.get("text"),
            facts=facts(data.get("facts", [])),
            sections=[
                Section(s.get("title"), s.get("text"), facts(s["facts"]), items(s["items"]))
                for s in data.get("sections", [])
            ],
            items=items(data.get("items", [])),
            buttons=buttons(data.get("buttons", [])),
            severity=Severity(data.get("severity", "info")),
            ephemeral=data.get("ephemeral", True),
            context=data.get("context"),
            images=[Path(p) for p in data.get("images", [])],
            files=[Path(p) for p in data.get("files", [])],
            form=Form(
                form["name"],
                form["title"],
                [Input(**{**i, "choices": tuple(i["choices"])}) for i in form["inputs"]],
                form["submit_label"],
                form["payload"],
                form["errors"],
            )
            if form
            else None,
            error=data.get("error", False),
            sanitised=data.get("sanitised", False),
            field=data.get("field"),
            classification=data.get("classification"),
        )


def _facts(facts: list[Fact]) -> list[dict[str, Any]]:
    return [{"label": f.label, "value": f.value, "severity": f.severity} for f in facts]


def _items(items: list[Item]) -> list[dict[str, Any]]:
    return [
        {"text": i.text, "detail": i.detail, "severity": i.severity, "buttons": _buttons(i.buttons)}
        for i in items
    ]


def _buttons(buttons: list[Button]) -> list[dict[str, Any]]:
    return [
        {"label": b.label, "action": b.action, "payload": dict(b.payload), "style": b.style}
        for b in buttons
    ]


def _sev(value: str | None) -> Severity | None:
    return Severity(value) if value else None


def texts(reply: Reply) -> Iterator[str]:
    """Every text a person reads in ``reply``: what ``map_text`` passes to ``hide``, in one
    walk that builds nothing (a test keeps the two in step)."""

    def item(i: Item) -> Iterator[str]:
        yield i.text
        if i.detail:
            yield i.detail
        for b in i.buttons:
            yield b.label

    def part(heads: tuple[str | None, ...], facts: list[Fact], items: list[Item]) -> Iterator[str]:
        yield from (value for value in heads if value)
        for f in facts:
            yield from (f.label, f.value)
        for i in items:
            yield from item(i)

    yield from part((reply.title, reply.text, reply.context), reply.facts, reply.items)
    for b in reply.buttons:
        yield b.label
    for x in reply.sections:
        yield from part((x.title, x.text), x.facts, x.items)
    if reply.form is not None:
        yield reply.form.title
        for put in reply.form.inputs:
            yield put.label
            for value in (put.value, put.placeholder):
                if value:
                    yield value


def map_text(reply: Reply, hide: Callable[[str], str]) -> Reply:
    """The reply with ``hide`` applied to every text a person reads (payloads are data, left):
    the one traversal behind scrubbing secrets and withholding names from partners."""

    def s(value: str | None) -> str | None:
        return hide(value) if value else value

    def button(b: Button) -> Button:
        return replace(b, label=hide(b.label))

    def item(i: Item) -> Item:
        return replace(
            i, text=hide(i.text), detail=s(i.detail), buttons=[button(b) for b in i.buttons]
        )

    def fact(f: Fact) -> Fact:
        return replace(f, label=hide(f.label), value=hide(f.value))

    def field(i: Input) -> Input:
        return replace(i, label=hide(i.label), value=s(i.value), placeholder=s(i.placeholder))

    form = reply.form
    return replace(
        reply,
        title=s(reply.title),
        text=s(reply.text),
        context=s(reply.context),
        facts=[fact(f) for f in reply.facts],
        items=[item(i) for i in reply.items],
        buttons=[button(b) for b in reply.buttons],
        sections=[
            Section(s(x.title), s(x.text), [fact(f) for f in x.facts], [item(i) for i in x.items])
            for x in reply.sections
        ],
        form=None
        if form is None
        else replace(form, title=hide(form.title), inputs=[field(i) for i in form.inputs]),
    )
