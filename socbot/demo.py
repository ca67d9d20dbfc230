"""A small fictional force for trying socbot: every name here is invented.

Dates are set relative to the bot's clock, so there is always something overdue and something
healthy whenever the demo is loaded. Loading twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from socbot_plugins.actions.models import Action, ActionChange
from socbot_plugins.disruptions.models import Disruption
from socbot_plugins.ocg.models import Review
from socbot_plugins.tactics.models import ProfileFact
from sqlalchemy import and_, not_
from sqlmodel import Session, col, select

from socbot import audit, people, wipe
from socbot.clock import LONDON, Clock, add_months
from socbot.model import CommandError
from socbot.store.models import REVIEW_MONTHS, AuditEvent, Nominal, Ocg, OcgAlias, Person

if TYPE_CHECKING:
    from socbot.registry import BotApi

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

# ref, name, partner-safe name, aliases, band, tier, pmech, morile, area, phase, lro, sio,
# review offset in days from today (negative: overdue by that many days)
OCGS = [
    (
        "OCG-0001",
        "Smith Brothers",
        "Group A (Fratton)",
        ["The Smiths"],
        "1A",
        1,
        "P2",
        88,
        "Portsmouth",
        "clear",
        "okafor",
        "nguyen",
        -12,
    ),
    (
        "OCG-0002",
        "Harbour Lane Crew",
        "Group B (Harbour)",
        ["HLC"],
        "2B",
        2,
        None,
        61,
        "Portsmouth",
        "clear",
        "okafor",
        "nguyen",
        40,
    ),
    (
        "OCG-0003",
        "Kestrel Network",
        "Group C",
        ["Kestrel"],
        "1B",
        1,
        None,
        79,
        "Southampton",
        "clear",
        "brennan",
        None,
        5,
    ),
    (
        "OCG-0004",
        "Marlowe Family",
        "Group D",
        [],
        "3A",
        3,
        None,
        45,
        "Southampton",
        "hold",
        "brennan",
        None,
        -30,
    ),
    (
        "OCG-0005",
        "Northgate Youths",
        "Group E",
        ["NGY"],
        "3C",
        3,
        None,
        38,
        "Portsmouth",
        "hold",
        "okafor",
        None,
        70,
    ),
    (
        "OCG-0006",
        "Copperfield Group",
        "Group F",
        [],
        "2A",
        2,
        "P4",
        70,
        "Southampton",
        "clear",
        "brennan",
        None,
        20,
    ),
    (
        "OCG-0007",
        "Red Kite Logistics",
        "Group G",
        ["Red Kite"],
        "4B",
        4,
        None,
        22,
        "Portsmouth",
        "build",
        "okafor",
        None,
        120,
    ),
    (
        "OCG-0008",
        "Quarry Road",
        "Group H",
        [],
        "5C",
        4,
        None,
        12,
        "Southampton",
        "build",
        "brennan",
        None,
        3,
    ),
    (
        "OCG-0009",
        "Eastern Docks Syndicate",
        "Group I",
        ["Docks"],
        "2C",
        2,
        None,
        58,
        "Portsmouth",
        "clear",
        "okafor",
        None,
        -2,
    ),
    (
        "OCG-0010",
        "Blackwater Ring",
        "Group J",
        [],
        "4A",
        4,
        None,
        30,
        "Southampton",
        "hold",
        "brennan",
        None,
        60,
    ),
]

NOMINALS = {
    "OCG-0001": [
        ("Danny Smith", "principal"),
        ("Lee Smith", "significant"),
        ("Carl Rowe", "significant"),
        ("Jay Pike", "peripheral"),
        ("Mo Vance", "peripheral"),
    ],
    "OCG-0002": [
        ("Kieran Doyle", "principal"),
        ("Tyler Shaw", "significant"),
        ("Ash Monroe", "peripheral"),
    ],
    "OCG-0003": [("Victor Hale", "principal"), ("Nina Hale", "significant")],
    "OCG-0004": [("Ray Marlowe", "principal"), ("Gail Marlowe", "significant")],
    "OCG-0005": [("Jordan Pell", "principal"), ("Ellis Crane", "peripheral")],
    "OCG-0006": [("Frank Copper", "principal")],
    "OCG-0007": [("Dean Kite", "principal")],
    "OCG-0008": [("Bill Quarry", "principal")],
    "OCG-0009": [("Stan Voss", "principal"), ("Leo Grant", "significant")],
    "OCG-0010": [("Owen Black", "principal")],
}

# ocg, pillar, owner handle or agency, description, due in days (negative: overdue), status
ACTIONS = [
    (
        "OCG-0001",
        "pursue",
        "nguyen",
        "Apply for cash seizure at Danny Smith's car wash",
        -9,
        "open",
    ),
    (
        "OCG-0001",
        "protect",
        "evans",
        "Test-purchase at the Fratton nail bar for counterfeit goods",
        -4,
        "open",
    ),
    (
        "OCG-0001",
        "prevent",
        "patel",
        "Refer two younger siblings to the youth diversion scheme",
        6,
        "open",
    ),
    ("OCG-0001", "pursue", "idris", "Review VAT registration of the car wash company", -15, "open"),
    ("OCG-0001", "protect", "Council Housing", "Inspect the HMO above the car wash", 10, "open"),
    ("OCG-0001", "pursue", "nguyen", "Execute warrant at the lock-up on Fratton Road", -20, "done"),
    ("OCG-0002", "pursue", "nguyen", "ANPR review of the two vans seen at the harbour", 3, "open"),
    ("OCG-0002", "protect", "ford", "Check tenancy of the flat on Harbour Lane", -2, "open"),
    ("OCG-0003", "pursue", "cole", "Financial profile of Victor Hale", 14, "open"),
    ("OCG-0004", "prevent", "lowe", "Fire safety visit to the Marlowe scrapyard", -11, "open"),
    (
        "OCG-0005",
        "prevent",
        "patel",
        "School talk on county lines at Northgate Academy",
        20,
        "open",
    ),
    (
        "OCG-0009",
        "pursue",
        "Trading Standards",
        "Check the docks cafe for illegal tobacco",
        -1,
        "open",
    ),
]

# ocg, days ago, grade, pillar, description, outcomes, status
DISRUPTIONS: list[tuple[str, int, str, str, str, dict[str, Any], str]] = [
    (
        "OCG-0001",
        20,
        "major",
        "pursue",
        "Warrant at the Fratton Road lock-up: cocaine and cash seized, two arrested",
        {"arrests": 2, "warrants": 1, "cash_pence": 1250000, "drugs": "1.2kg cocaine"},
        "accepted",
    ),
    (
        "OCG-0001",
        45,
        "moderate",
        "protect",
        "Closure order on the flat used for dealing",
        {"orders": 1},
        "accepted",
    ),
    (
        "OCG-0001",
        5,
        "minor",
        "prevent",
        "Two young people referred to diversion after a stop-search near the car wash",
        {"safeguarded": 2},
        "pending",
    ),
    (
        "OCG-0002",
        60,
        "moderate",
        "pursue",
        "Van seized for no insurance on the harbour road",
        {"vehicles": 1},
        "accepted",
    ),
    (
        "OCG-0003",
        12,
        "major",
        "pursue",
        "Victor Hale charged with conspiracy to supply",
        {"arrests": 1, "charged": 1},
        "pending",
    ),
]

PROFILE = [
    ("OCG-0001", "business", "car wash on Fratton Road, cash-only"),
    ("OCG-0001", "business", "nail salon, Southsea"),
    ("OCG-0001", "vehicles", "private plate, leased Range Rover"),
    ("OCG-0001", "lifestyle", "boxing gym, expensive holidays"),
    ("OCG-0003", "travel", "monthly flights abroad"),
    ("OCG-0003", "crime", "cannabis cultivation in rented houses"),
]


@dataclass
class Demo:
    """What a plugin's ``load_demo`` hook gets: the session, the clock, and the people and OCGs
    already added (by handle and by reference), so its records can point at them."""

    session: Session
    clock: Clock
    people: dict[str, Person] = field(default_factory=dict)
    ocgs: dict[str, Ocg] = field(default_factory=dict)


def _due(today: date, days: int) -> datetime:
    return datetime.combine(today + timedelta(days=days), time(18), LONDON)


def load(bot: BotApi, *, reset: bool = False, throwaway: bool = False) -> str:
    """Load the demo force. Returns a one-line summary. ``reset`` first wipes the store, which
    must hold only what the demo wrote (``CommandError`` otherwise, and nothing changes).
    ``throwaway``: the store is ``chat --demo``'s own file, so all in it is the demo's."""
    summary = (
        f"demo force loaded: {len(OCGS)} OCGs, {len(PEOPLE)} people, {len(ACTIONS)} actions, "
        f"{len(DISRUPTIONS)} disruptions"
    )
    if reset:
        wipe.wipe(
            bot.engine,
            now=bot.clock.utcnow(),
            command="socbot chat --demo" if throwaway else "socbot demo --reset",
            action="demo",
            check=wipe.refuse_if_anchored if throwaway else only_demo,
            then=lambda session: _load(session, bot),
        )
        return summary
    with Session(bot.engine) as session:
        if session.exec(select(Ocg).where(Ocg.ref == "OCG-0001")).first():
            return "demo data is already loaded; nothing changed (use --reset to start again)"
        _load(session, bot)
        session.commit()
    return summary


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
    handles = [p[0] for p in PEOPLE]
    person = session.exec(
        select(Person.handle).where(col(Person.handle).not_in(handles)).order_by(Person.handle)
    ).first()
    if person:
        return f"@{person} is not one of the demo's people"
    ref = session.exec(
        select(Ocg.ref).where(col(Ocg.ref).not_in([o[0] for o in OCGS])).order_by(Ocg.ref)
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


def _load(session: Session, bot: BotApi) -> None:
    now = bot.clock.utcnow()
    today = bot.clock.today()
    start = now - timedelta(days=400)
    who = {}
    for handle, name, agency, email, area, roles in PEOPLE:
        person, _ = people.upsert_person(
            session,
            handle=handle,
            name=name,
            agency=agency,
            email=email,
            area=area,
            roles=roles,
            now=start,
        )
        who[handle] = person
    ocgs = {}
    for ref, name, safe, aliases, band, tier, pmech, morile, area, phase, lro, sio, offset in OCGS:
        due = today + timedelta(days=offset)
        last = add_months(due, -REVIEW_MONTHS[tier])
        ocg = Ocg(
            ref=ref,
            name=name,
            name_key=name.lower(),
            partner_name=safe,
            band=band,
            tier=tier,
            pmech=pmech,
            morile=morile,
            morile_date=last,
            area=area,
            phase=phase,
            notes=f"Intelligence summary for {name} (fictional).",
            created_at=start,
            last_review_on=last,
            next_review_due=due,
        )
        session.add(ocg)
        session.flush()
        ocgs[ref] = ocg
        for alias in aliases:
            session.add(OcgAlias(ocg_id=ocg.id or 0, alias=alias, alias_key=alias.lower()))
        people.grant(session, person=who["hart"], role="sro", ocg=ocg, now=start)
        people.grant(session, person=who[lro], role="lro", ocg=ocg, now=start)
        if sio:
            people.grant(session, person=who[sio], role="sio", ocg=ocg, now=start)
        session.add(
            Review(
                ocg_id=ocg.id or 0,
                reviewed_on=last,
                recorded_at=start,
                by_id=who[lro].id or 0,
                kind="scheduled",
                notes="Plan reviewed at the monthly tasking meeting.",
                next_due=due,
            )
        )
        for nominal, role in NOMINALS.get(ref, []):
            session.add(
                Nominal(
                    ocg_id=ocg.id or 0,
                    name=nominal,
                    role=role,
                    address="(fictional address withheld)",
                )
            )
    people.grant(
        session,
        person=who["patel"],
        role="plead",
        ocg=ocgs["OCG-0001"],
        pillar="prevent",
        now=start,
    )
    people.grant(
        session,
        person=who["patel"],
        role="plead",
        ocg=ocgs["OCG-0005"],
        pillar="prevent",
        now=start,
    )
    people.grant(
        session, person=who["cole"], role="plead", ocg=ocgs["OCG-0003"], pillar="pursue", now=start
    )
    for ref, pillar, owner, text, days, status in ACTIONS:
        owner_person = who.get(owner)
        action = Action(
            ocg_id=ocgs[ref].id or 0,
            pillar=pillar,
            description=text,
            owner_id=owner_person.id if owner_person else None,
            owner_agency=None if owner_person else owner,
            created_by_id=who["okafor"].id or 0,
            created_at=now - timedelta(days=40),
            due_at=_due(today, days),
            status=status,
        )
        if status == "done":
            action.result = "Done: see disruption log"
            action.completed_by_id, action.completed_at = action.owner_id, now - timedelta(days=20)
        session.add(action)
        session.flush()
        session.add(
            ActionChange(
                action_id=action.id or 0,
                at=action.created_at,
                by_id=action.created_by_id,
                kind="created",
                new_due=action.due_at,
                new_owner=owner,
            )
        )
    for ref, days_ago, grade, pillar, text, outcomes, status in DISRUPTIONS:
        session.add(
            Disruption(
                ocg_id=ocgs[ref].id or 0,
                occurred_on=today - timedelta(days_ago),
                grade=grade,
                pillar=pillar,
                description=text,
                recorded_by_id=who["nguyen"].id or 0,
                recorded_at=now - timedelta(days=days_ago),
                status=status,
                moderated_by_id=who["moss"].id if status == "accepted" else None,
                moderated_at=now - timedelta(days=max(days_ago - 2, 0))
                if status == "accepted"
                else None,
                **outcomes,
            )
        )
    for ref, category, fact in PROFILE:
        session.add(
            ProfileFact(
                ocg_id=ocgs[ref].id or 0,
                category=category,
                fact=fact,
                added_by_id=who["khan"].id or 0,
                added_at=start,
            )
        )
    audit.append(session, at=now, action="demo", text_="socbot demo", detail="demo force loaded")
