"""How actions read in chat, nudges and digests: due dates in words, ages, quick replies, and
the partner view, which never carries a nominal's name or an OCG's intelligence name.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Protocol

from socbot_plugins.actions.models import Action
from sqlmodel import Session

from socbot import Button, Item, Ocg, Severity
from socbot.clock import local, say_date
from socbot.model import SENSITIVE_MARK
from socbot.withhold import Redact, redactor


class Listed(Protocol):
    """What ``action_item`` reads of an action: an ``Action``, or a row of just these columns
    (a hot path loads plain columns instead of ORM objects)."""

    @property
    def id(self) -> int | None: ...
    @property
    def ocg_id(self) -> int: ...
    @property
    def description(self) -> str: ...
    @property
    def sensitive(self) -> bool: ...
    @property
    def pillar(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def due_at(self) -> datetime: ...


class Owner(Protocol):
    """What ``owner_label`` reads of a person."""

    @property
    def handle(self) -> str: ...
    @property
    def agency(self) -> str: ...


def overdue_days(due: datetime, today: date) -> int:
    """Whole days since the due day (0 when it fell due today)."""
    return (today - local(due).date()).days


def say_due(due: datetime, now: datetime) -> str:
    """``Fri 5 Mar 2027 18:00 (in 2 days)`` or ``Tue 16 Feb 2027 18:00 (15 days overdue)``."""
    there, today = local(due), now.date()
    words = f"{say_date(there)} {there:%H:%M}"
    if due <= now:
        late = overdue_days(due, today)
        return (
            f"{words} ({late} day{'s' if late != 1 else ''} overdue)"
            if late
            else (f"{words} (overdue today)")
        )
    ahead = (there.date() - today).days
    soon = {0: "today", 1: "tomorrow"}.get(ahead, f"in {ahead} days")
    return f"{words} ({soon})"


def echo_due(due: datetime, now: datetime, end_of_day: time) -> str:
    """The parsed date in words, so a misreading is caught at once."""
    there = local(due)
    ahead = (there.date() - now.date()).days
    soon = {0: "today", 1: "tomorrow"}.get(ahead, f"in {ahead} days")
    if there.time() == end_of_day:
        return f"{say_date(there)}, end of the working day ({there:%H:%M}, {soon})"
    return f"{say_date(there)} at {there:%H:%M} ({soon})"


def owner_label(owner: Owner | None, agency: str | None) -> str:
    if owner is None:
        return f"{agency} (agency)"
    if owner.agency.lower() == "police":
        return f"@{owner.handle}"
    return f"@{owner.handle}, {owner.agency}"


def quick_replies(action_id: int) -> list[Button]:
    """The contract other faces and plugins rely on: Done opens the form, Snooze a week runs."""
    return [
        Button("Done", "form:action.done", {"id": str(action_id)}),
        Button(
            "Snooze a week",
            "snooze",
            {"args": f'{action_id} "in 1 week" "snoozed from a reminder"'},
        ),
    ]


def action_item(
    action: Listed,
    *,
    now: datetime,
    owner: str | None,
    ocg: str | None = None,
    buttons: bool = False,
    redact: Redact | None = None,
) -> Item:
    """One action as a list line; ``ocg``/``owner`` are left out when a heading already says."""
    text = redact(action.ocg_id, action.description) if redact else action.description
    if action.sensitive:
        text = f"{SENSITIVE_MARK} {text}"
    parts = [p for p in (ocg, action.pillar.capitalize(), owner) if p]
    parts.append(f"due {say_due(action.due_at, now)}")
    late = action.status == "open" and action.due_at <= now
    return Item(
        f"#{action.id} {text}",
        " · ".join(parts),
        Severity.WARNING if late else None,
        quick_replies(action.id or 0) if buttons and action.status == "open" else [],
    )


def ocg_label(ocg: Ocg, sanitised: bool) -> str:
    """Partners see the partner-safe name, never the intelligence name."""
    name = (ocg.partner_name or "Group") if sanitised else ocg.name
    return f"{name} ({ocg.ref})"


def description(session: Session, action: Action, sanitised: bool) -> str:
    """An action's description for one reader: partners' copy goes through ``redactor``, like
    every list, nudge and digest. Replies about a single action use this."""
    if not sanitised:
        return action.description
    return redactor(session, [action.ocg_id])(action.ocg_id, action.description)
