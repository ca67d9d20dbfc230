"""Actions in the store: owners (a person, or an agency whose coordinator holds the action),
agencies and their coordinators, who can be reached in chat, the change log, and due dates read
from what people type. Shared by the chat commands, the forms and the chasing jobs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from socbot_plugins.actions.models import Action, ActionChange
from socbot_plugins.actions.view import say_due
from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select

from socbot import PILLARS, Assignment, CommandError, Identity, Person
from socbot.context import Context
from socbot.dates import parse_due
from socbot.inlist import chunks, padded
from socbot.parser import record_number

if TYPE_CHECKING:
    from socbot_plugins.tactics.catalogue import Tactic

MAX_DESCRIPTION = 500
MAX_AHEAD = timedelta(days=3 * 366)
LEADING_WORD = re.compile(r"^(?:by|to|until|till)\s+", re.I)  # "snooze 4 until friday"


@dataclass(frozen=True)
class Owner:
    """Who an action belongs to: a person, or an agency whose coordinator holds it until taken."""

    person: Person | None = None
    agency: str | None = None

    @property
    def label(self) -> str:
        return f"@{self.person.handle}" if self.person else str(self.agency)

    @property
    def key(self) -> str:
        """As kept in ``ActionChange.old_owner/new_owner``: a handle or an agency name."""
        return self.person.handle if self.person else str(self.agency)


def action_id(text: str | None) -> int:
    """``12`` or ``#12`` -> 12, or a polite error naming the form field; a number too big to be
    an id is not found, and said back as typed (cut short)."""
    word = (text or "").strip()
    number = record_number(word)
    if number is not None:
        return number
    digits = word.lstrip("#")
    if digits.isdecimal():
        shown = digits if len(digits) <= 24 else digits[:24] + "…"
        raise CommandError(
            f"I can't find action {shown} among those you can see. `ocg actions mine` lists yours.",
            field="id",
        )
    raise CommandError(
        "Which action? Give its number, e.g. `12` (`ocg actions mine` lists yours).",
        field="id",
    )


def pillar(word: str) -> str:
    """A pillar from what people type: ``pursue``, ``Prevent``, ``intel``."""
    clean = word.strip().lower()
    if clean in PILLARS:
        return clean
    raise CommandError(
        f"{word!r} isn't a pillar. Use one of: {', '.join(PILLARS)}.", field="pillar"
    )


def tactic(ident: str) -> Tactic:
    """The menu entry ``ident``; the catalogue is read only when someone names a tactic."""
    from socbot_plugins.tactics.catalogue import load_catalogue

    wanted = ident.strip().lower()
    for found in load_catalogue():
        if found.id == wanted:
            return found
    raise CommandError(
        f"There is no tactic {ident!r} on the menu. `ocg tactics` lists them with their ids.",
        field="what",
    )


def agencies(session: Session) -> dict[str, str]:
    """Agencies people belong to, lower-cased -> as written."""
    rows = session.exec(select(Person.agency).where(Person.active).distinct()).all()
    return {a.lower(): a for a in rows}


def resolve_owner(ctx: Context, words: Sequence[str]) -> tuple[Owner, int]:
    """The owner named by the first words (a mention, a handle, or an agency of up to four
    words); returns it and how many words it used."""
    if not words:
        raise CommandError(
            'Who owns it? Mention a person (@evans) or name an agency ("Trading Standards").',
            field="owner",
        )
    first = words[0].strip()
    if first.startswith("@"):
        return Owner(person=ctx.person(first)), 1
    known = agencies(ctx.session)
    for size in range(min(4, len(words)), 0, -1):
        name = " ".join(words[:size]).strip().lower()
        if size == 1:
            person = ctx.session.exec(select(Person).where(Person.handle == name)).first()
            if person is not None and person.active:
                return Owner(person=person), 1
        if name in known:
            return Owner(agency=known[name]), size
    raise CommandError(
        f"I don't know a person or an agency called {first!r}. Mention a person (@evans) or "
        f"name an agency in quotes; agencies are: {', '.join(sorted(known.values()))}.",
        field="owner",
    )


def owner_of(session: Session, action: Action) -> Owner:
    if action.owner_id is not None:
        return Owner(person=session.get(Person, action.owner_id))
    return Owner(agency=action.owner_agency)


def agency_of(action: Action, owner: Person | None) -> str | None:
    return owner.agency if owner is not None else action.owner_agency


def held_at(now: datetime) -> ColumnElement[bool]:
    """A role assignment in force at ``now``: started, and not yet ended."""
    ended = col(Assignment.ended_at)
    return and_(col(Assignment.started_at) <= now, or_(ended.is_(None), ended > now))


def coordinators(session: Session, names: Iterable[str], now: datetime) -> dict[str, list[Person]]:
    """Active coordinators of each agency (lower-cased agency -> people), in two queries: the
    coordinators first (``ix_assignment_role``: a few hundred in a national force), then those
    of them at these agencies by id. As one join, PostgreSQL scanned every person (12 ms)."""
    wanted = {n.lower() for n in names if n}
    if not wanted:
        return {}
    ids = session.exec(
        select(Assignment.person_id).where(Assignment.role == "coordinator", held_at(now))
    ).all()
    if not ids:
        return {}
    rows = session.exec(
        select(Person)
        .where(
            col(Person.id).in_(padded(set(ids))),
            Person.active,
            func.lower(Person.agency).in_(wanted),
        )
        .order_by(Person.handle)
    ).all()
    found: dict[str, list[Person]] = {}
    for person in rows:
        found.setdefault(person.agency.lower(), []).append(person)
    return found


def chat_reachable(session: Session, person_ids: Iterable[int]) -> set[int] | None:
    """Who of ``person_ids`` has a Slack or Teams identity; None when nobody in the store has
    one (a console-only install, where everyone is reached on the console)."""
    if session.exec(select(Identity.id).limit(1)).first() is None:
        return None
    found: set[int] = set()
    for chunk in chunks(set(person_ids)):
        query = select(Identity.person_id).where(col(Identity.person_id).in_(chunk))
        found |= set(session.exec(query).all())
    return found


def lro_handles(session: Session, ocg_ids: Iterable[int], now: datetime) -> dict[int, list[str]]:
    """Current LROs per OCG (handles), in one query."""
    ids = list(set(ocg_ids))
    if not ids:
        return {}
    rows = session.exec(
        select(Assignment.ocg_id, Person.handle)
        .join(Person, Person.id == Assignment.person_id)  # type: ignore[arg-type]
        .where(
            Assignment.role == "lro",
            Assignment.ocg_id.in_(ids),  # type: ignore[union-attr]
            held_at(now),
        )
    ).all()
    found: dict[int, list[str]] = {}
    for ocg_id, handle in rows:
        found.setdefault(ocg_id or 0, []).append(handle)
    return found


def log_change(
    ctx: Context,
    action: Action,
    kind: str,
    *,
    old_due: datetime | None = None,
    new_due: datetime | None = None,
    old_owner: str | None = None,
    new_owner: str | None = None,
    reason: str | None = None,
) -> ActionChange:
    """One row per change to an action: the history behind every due date and owner."""
    change = ActionChange(
        action_id=action.id or 0,
        at=ctx.utcnow(),
        by_id=ctx.actor.id or 0,
        kind=kind,
        old_due=old_due,
        new_due=new_due,
        old_owner=old_owner,
        new_owner=new_owner,
        reason=reason,
    )
    ctx.session.add(change)
    return change


def clean_text(text: str, *, what: str, field: str, limit: int = MAX_DESCRIPTION) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        raise CommandError(
            f"The {what} is {len(text)} characters; keep it under {limit} and put the detail in "
            "your case system.",
            field=field,
        )
    return text


def read_due(ctx: Context, when: str, picked: str, how: str) -> datetime:
    """A due moment from typed words (or a date picker's value), with the field at fault."""
    when = LEADING_WORD.sub("", when.strip())
    text, field = (when, "when") if when else (picked, "date")
    if not text.strip():
        raise CommandError(
            f"When is it due? {how}, e.g. friday, next friday, in 2 weeks, 05/03/2027, end of "
            "month, tomorrow 5pm.",
            field="when",
        )
    try:
        due = parse_due(text, ctx.now(), end_of_day=ctx.settings.work_end)
    except CommandError as exc:
        raise CommandError(exc.message, field=field) from exc
    if due - ctx.now() > MAX_AHEAD:
        raise CommandError(
            f"{text!r} reads as {say_due(due, ctx.now())}, more than three years away. Check "
            "the year (dates are day first: 05/03/2027).",
            field=field,
        )
    return due
