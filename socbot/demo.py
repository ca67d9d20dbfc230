"""A small fictional force for trying socbot: every name here is invented.

The core adds its own records (``socbot.demo_force``: people, OCGs, aliases, nominals, leads),
which every part points at; each plugin adds its own part through the ``load_demo`` hook, in
plugin order, in the same transaction. Dates are set relative to the bot's clock, so there is
always something overdue and something healthy. Loading twice changes nothing the second time.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import and_, not_
from sqlmodel import Session, col, select

from socbot import audit, demo_force, wipe
from socbot.demo_force import Demo
from socbot.model import CommandError
from socbot.plugins import with_built_ins
from socbot.store.models import AuditEvent, Ocg, Person

if TYPE_CHECKING:
    from socbot.registry import BotApi

WELCOME = """Demo force loaded (all names invented). You are @okafor, an LRO. Try:
  ocg status smith        ocg list overdue       ocg actions mine
  ocg tactics for smith   help                   quit
Other demo people: @hart (SRO), @nguyen (SIO), @patel (P lead, Prevent),
@evans (partner, Trading Standards), @walsh (SOC coordinator), @moss (moderator), @admin."""


def load(bot: BotApi, *, reset: bool = False, throwaway: bool = False) -> str:
    """Load the demo force. Returns a one-line summary. ``reset`` first wipes the store, which
    must hold only what the demo wrote (``CommandError`` otherwise, and nothing changes).
    ``throwaway``: the store is ``chat --demo``'s own file, so all in it is the demo's."""
    loaded: list[Demo] = []
    if reset:
        wipe.wipe(
            bot.engine,
            now=bot.clock.utcnow(),
            command="socbot chat --demo" if throwaway else "socbot demo --reset",
            action="demo",
            check=wipe.refuse_if_anchored if throwaway else only_demo,
            then=lambda session: loaded.append(_load(session, bot)),
            level=logging.INFO if throwaway else logging.WARNING,  # its own scratch file
        )
        return loaded[0].describe()
    with Session(bot.engine) as session:
        if session.exec(select(AuditEvent.id).where(*_LOADED)).first():
            return "demo data is already loaded; nothing changed (use --reset to start again)"
        demo = _load(session, bot)
        session.commit()
    return demo.describe()


LOADED = "demo force loaded"  # the detail of the audit row a load writes
_LOADED = (col(AuditEvent.action) == "demo", col(AuditEvent.detail) == LOADED)

# Where trying the demo writes audit rows: its console chat and the jobs it runs.
DEMO_FACES = ("console", "scheduler")
RESET_RULE = (
    "`socbot demo --reset` wipes only a store the demo wrote: everyone in it is one of the "
    "demo's invented people, every OCG one of its invented OCGs, and every audit row was "
    "written by the demo itself or by trying it on the console and its scheduled jobs."
)


def only_demo(session: Session) -> None:
    """Raise unless everything in the store is the demo's (see ``RESET_RULE``)."""
    reason = _not_demo(session)
    if reason:
        raise CommandError(
            f"{RESET_RULE} This store is not: {reason}. Nothing was changed. To wipe a real "
            "store, use `socbot db wipe --i-understand` (impossible once an audit anchor has "
            "been issued)."
        )


def _not_demo(session: Session) -> str | None:
    """The first thing in the store the demo did not write, said plainly; ``None`` if none."""
    handles = [p[0] for p in demo_force.PEOPLE]
    person = session.exec(
        select(Person.handle).where(col(Person.handle).not_in(handles)).order_by(Person.handle)
    ).first()
    if person:
        return f"@{person} is not one of the demo's people"
    ref = session.exec(
        select(Ocg.ref)
        .where(col(Ocg.ref).not_in([o[0] for o in demo_force.OCGS]))
        .order_by(Ocg.ref)
    ).first()
    if ref:
        return f"{ref} is not one of the demo's OCGs"
    loader = and_(col(AuditEvent.action) == "demo", col(AuditEvent.face) == "cli")
    row = session.exec(
        select(AuditEvent)
        .where(not_(loader), col(AuditEvent.face).not_in(DEMO_FACES))
        .order_by(col(AuditEvent.id))
    ).first()
    if row:
        return (
            f"audit row {row.id} ({row.action!r} by {row.actor} on {row.face}, "
            f"{row.at:%d/%m/%Y %H:%M} UTC) was not written by the demo"
        )
    return None


def _load(session: Session, bot: BotApi) -> Demo:
    """The core's records, then each plugin's part, then the audit row."""
    demo = Demo(session, bot.clock)
    demo_force.add(demo)
    # every built-in plugin's part, whatever the allow-list (the store has all their tables, and
    # a bot serving fewer plugins sees a subset of one force), then other plugins'
    for part in with_built_ins(bot.pm, "load_demo"):
        part(demo=demo)
    audit.append(session, at=bot.clock.utcnow(), action="demo", text_="socbot demo", detail=LOADED)
    return demo
