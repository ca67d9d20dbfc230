"""The demo force's core records: its people, OCGs, aliases, nominals and who leads each OCG.

These are core tables, so they are added whichever plugins are loaded; each plugin then adds its
own part (reviews, actions, disruptions, profile facts) through ``load_demo``. Every name here is
invented; review dates are set from the bot's clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from socbot import people
from socbot.clock import Clock, add_months
from socbot.model import CommandError
from socbot.store.models import REVIEW_MONTHS, Nominal, Ocg, OcgAlias, Person


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
        return f"demo force loaded: {', '.join(self.summary)}"


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


def add(demo: Demo) -> None:
    """The people, then the OCGs with their aliases, nominals and leads."""
    for handle, name, agency, email, area, roles in PEOPLE:
        demo.people[handle], _ = people.upsert_person(
            demo.session,
            handle=handle,
            name=name,
            agency=agency,
            email=email,
            area=area,
            roles=roles,
            now=demo.start,
        )
    demo.summary.append(f"{len(PEOPLE)} people")
    taken = demo.session.exec(select(Ocg.ref).where(col(Ocg.ref).in_([o[0] for o in OCGS])))
    if found := taken.first():
        raise CommandError(
            f"{found} is already in this store and is not the demo's: nothing changed."
        )
    today = demo.clock.today()
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
            created_at=demo.start,
            last_review_on=last,
            next_review_due=due,
        )
        demo.session.add(ocg)
        demo.session.flush()
        demo.ocgs[ref] = ocg
        for alias in aliases:
            demo.session.add(OcgAlias(ocg_id=ocg.id or 0, alias=alias, alias_key=alias.lower()))
        people.grant(demo.session, person=demo.people["hart"], role="sro", ocg=ocg, now=demo.start)
        people.grant(demo.session, person=demo.people[lro], role="lro", ocg=ocg, now=demo.start)
        if sio:
            people.grant(demo.session, person=demo.people[sio], role="sio", ocg=ocg, now=demo.start)
        for nominal, role in NOMINALS.get(ref, []):
            demo.session.add(
                Nominal(
                    ocg_id=ocg.id or 0,
                    name=nominal,
                    role=role,
                    address="(fictional address withheld)",
                )
            )
    people.grant(
        demo.session,
        person=demo.people["patel"],
        role="plead",
        ocg=demo.ocgs["OCG-0001"],
        pillar="prevent",
        now=demo.start,
    )
    people.grant(
        demo.session,
        person=demo.people["patel"],
        role="plead",
        ocg=demo.ocgs["OCG-0005"],
        pillar="prevent",
        now=demo.start,
    )
    people.grant(
        demo.session,
        person=demo.people["cole"],
        role="plead",
        ocg=demo.ocgs["OCG-0003"],
        pillar="pursue",
        now=demo.start,
    )
    demo.summary.append(f"{len(OCGS)} OCGs")
