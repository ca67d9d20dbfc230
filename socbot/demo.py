"""A small fictional force for trying socbot: every name here is invented.

The core adds the people (everyone's part points at them, and ``chat --demo`` signs in as one);
each plugin adds its own part through the ``load_demo`` hook, in plugin order, in the same
transaction. Dates are set relative to the bot's clock, so there is always something overdue and
something healthy. Loading twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, create_engine, not_
from sqlmodel import Session, SQLModel, col, select

from socbot import audit, people, wipe
from socbot.clock import Clock
from socbot.model import CommandError
from socbot.store.models import AuditEvent, Ocg, Person

if TYPE_CHECKING:
    from socbot.bot import Bot

WELCOME = """Demo force loaded (all names invented). You are @okafor, an LRO. Try:
  ocg status smith        ocg list overdue       ocg actions mine
  ocg tactics for smith   help                   quit
Other demo people: @hart (SRO), @nguyen (SIO), @patel (P lead, Prevent),
@evans (partner, Trading Standards), @walsh (SOC coordinator), @moss (moderator), @admin."""

# handle, name, agency, email, area, roles
PEOPLE = [
    ("admin", "Sam Admin", "Police", "admin@demo.police.example", None, ("admin",)),
    ("hart", "Det Supt Alex Hart", "Police", "alex.hart@demo.police.example", None, ("sro",)),
    ("okafor", "DI Grace Okafor", "Police", "grace.okafor@demo.police.example", "Portsmouth", ()),
    (
        "brennan",
        "DCI Sean Brennan",
        "Police",
        "sean.brennan@demo.police.example",
        "Southampton",
        (),
    ),
    ("nguyen", "DI Linh Nguyen", "Police", "linh.nguyen@demo.police.example", "Portsmouth", ()),
    ("patel", "PS Ravi Patel", "Police", "ravi.patel@demo.police.example", "Portsmouth", ()),
    ("cole", "PC Amy Cole", "Police", "amy.cole@demo.police.example", "Southampton", ()),
    (
        "walsh",
        "Dana Walsh",
        "Police",
        "dana.walsh@demo.police.example",
        "Portsmouth",
        ("coordinator",),
    ),
    ("khan", "Imran Khan", "Police", "imran.khan@demo.police.example", None, ("analyst",)),
    ("moss", "DS Helen Moss", "Police", "helen.moss@demo.police.example", None, ("moderator",)),
    (
        "evans",
        "Rhys Evans",
        "Trading Standards",
        "rhys.evans@demo.council.example",
        "Portsmouth",
        ("partner",),
    ),
    (
        "price",
        "Jo Price",
        "Trading Standards",
        "jo.price@demo.council.example",
        "Portsmouth",
        ("partner", "coordinator"),
    ),
    (
        "ford",
        "Maya Ford",
        "Council Housing",
        "maya.ford@demo.council.example",
        "Portsmouth",
        ("partner",),
    ),
    ("idris", "Sara Idris", "HMRC", "sara.idris@demo.hmrc.example", None, ("partner",)),
    (
        "lowe",
        "Tom Lowe",
        "Fire and Rescue",
        "tom.lowe@demo.fire.example",
        "Southampton",
        ("partner",),
    ),
]


@dataclass
class Demo:
    """What a plugin's ``load_demo`` hook gets: the session, the clock, and the people and OCGs
    already added (by handle and by reference), so its records can point at them."""

    session: Session
    clock: Clock
    people: dict[str, Person] = field(default_factory=dict)
    ocgs: dict[str, Ocg] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)  # "10 OCGs": each plugin adds its count

    @property
    def start(self) -> datetime:
        """When the fictional force was set up (400 days ago): records older than any test."""
        return self.clock.utcnow() - timedelta(days=400)

    def describe(self) -> str:
        return f"demo force loaded: {', '.join([f'{len(self.people)} people', *self.summary])}"


def load(bot: Bot, *, reset: bool = False, throwaway: bool = False) -> str:
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
            check=wipe.refuse_if_anchored if throwaway else lambda s: only_demo(s, bot),
            then=lambda session: loaded.append(_load(session, bot)),
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


def only_demo(session: Session, bot: Bot) -> None:
    """Raise unless everything in the store is the demo's (see ``RESET_RULE``)."""
    reason = _not_demo(session, _rehearse(bot))
    if reason:
        raise CommandError(
            f"{RESET_RULE} This store is not: {reason}. Nothing was changed. To wipe a real "
            "store, use `socbot db wipe --i-understand` (impossible once an audit anchor has "
            "been issued)."
        )


def _rehearse(bot: Bot) -> Demo:
    """The demo as this bot's plugins would load it, in a throw-away in-memory store: what the
    demo's people and OCGs are, whichever plugins are installed."""
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        demo = _load(session, bot)
    engine.dispose()
    return demo


def _not_demo(session: Session, demo: Demo) -> str | None:
    """The first thing in the store the demo did not write, said plainly; ``None`` if none."""
    handles = list(demo.people)
    person = session.exec(
        select(Person.handle).where(col(Person.handle).not_in(handles)).order_by(Person.handle)
    ).first()
    if person:
        return f"@{person} is not one of the demo's people"
    ref = session.exec(
        select(Ocg.ref).where(col(Ocg.ref).not_in(list(demo.ocgs))).order_by(Ocg.ref)
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


def _load(session: Session, bot: Bot) -> Demo:
    """The people, then each plugin's part in plugin order (``get_hookimpls`` is registration
    order; calling the hook would run the last plugin first), then the audit row."""
    demo = Demo(session, bot.clock)
    for handle, name, agency, email, area, roles in PEOPLE:
        demo.people[handle], _ = people.upsert_person(
            session,
            handle=handle,
            name=name,
            agency=agency,
            email=email,
            area=area,
            roles=roles,
            now=demo.start,
        )
    for impl in bot.pm.hook.load_demo.get_hookimpls():
        impl.function(demo)
    audit.append(session, at=bot.clock.utcnow(), action="demo", text_="socbot demo", detail=LOADED)
    return demo
