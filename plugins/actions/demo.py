"""The actions plugin's part of the demo force: actions, some overdue, for people and agencies."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from socbot_plugins.actions.models import Action, ActionChange

from socbot.clock import LONDON
from socbot.demo import Demo

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


def _due(today: date, days: int) -> datetime:
    return datetime.combine(today + timedelta(days=days), time(18), LONDON)


def load(demo: Demo) -> None:
    """Called by the plugin's ``load_demo`` hook."""
    now, today = demo.clock.utcnow(), demo.clock.today()
    for ref, pillar, owner, text, days, status in ACTIONS:
        owner_person = demo.people.get(owner)
        action = Action(
            ocg_id=demo.ocgs[ref].id or 0,
            pillar=pillar,
            description=text,
            owner_id=owner_person.id if owner_person else None,
            owner_agency=None if owner_person else owner,
            created_by_id=demo.people["okafor"].id or 0,
            created_at=now - timedelta(days=40),
            due_at=_due(today, days),
            status=status,
        )
        if status == "done":
            action.result = "Done: see disruption log"
            action.completed_by_id, action.completed_at = action.owner_id, now - timedelta(days=20)
        demo.session.add(action)
        demo.session.flush()
        demo.session.add(
            ActionChange(
                action_id=action.id or 0,
                at=action.created_at,
                by_id=action.created_by_id,
                kind="created",
                new_due=action.due_at,
                new_owner=owner,
            )
        )
    demo.summary.append(f"{len(ACTIONS)} actions")
