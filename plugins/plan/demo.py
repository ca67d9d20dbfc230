"""The plan plugin's part of the demo force: plans of varying health, so ``ocg health`` and
``ocg plan`` show something true on first run.

- OCG-0002 Harbour Lane Crew: a healthy plan (aim, Hold and Build, an objective or a "not
  developed" decision for every pillar, a target, an intelligence requirement, recent decisions).
- OCG-0001 Smith Brothers: a good plan, but its review is overdue and Prepare has no objective.
- OCG-0009 Eastern Docks Syndicate: Pursue-only, written by its SIO's lights.
- OCG-0003 Kestrel Network: no aim; the others have no plan at all yet.
"""

from __future__ import annotations

from datetime import timedelta

from socbot_plugins.plan.models import Decision, IntelRequirement, Objective, Plan, Target

from socbot.demo import Demo

# ref, aim, hold, build
PLANS = [
    (
        "OCG-0002",
        "Stop the Harbour Lane Crew moving drugs through the harbour and recruiting on the estate",
        "Harbour patrols and licensing checks keep the slipway closed to the crew",
        "The council and youth services run the estate work once arrests are made",
    ),
    (
        "OCG-0001",
        "Dismantle the Smiths' supply into Fratton and take the cash out of their businesses",
        "Trading Standards and licensing keep the car wash and nail bar honest",
        None,
    ),
    ("OCG-0009", "Prosecute the principals for importation", None, None),
]
# ref, pillar, level, what, measure, target in days
OBJECTIVES = [
    ("OCG-0002", "pursue", None, "Charge the two principals with supply", "charged", 120),
    (
        "OCG-0002",
        "prevent",
        "secondary",
        "Divert the younger runners on the estate",
        "six referred to the youth scheme",
        90,
    ),
    ("OCG-0002", "protect", None, "Close the flat used as a stash house", "tenancy ended", 60),
    ("OCG-0001", "pursue", None, "Seize the cash from the car wash", "forfeiture order", 150),
    (
        "OCG-0001",
        "prevent",
        "primary",
        "Keep the two youngest siblings out of the group",
        "both engaged with diversion",
        90,
    ),
    ("OCG-0001", "protect", None, "Revoke the nail bar's licence", "licence revoked", 120),
    ("OCG-0009", "pursue", None, "Charge the principals with importation", "charged", 200),
]
# ref, topic, pillar, text, rationale, partner, days ago
DECISIONS = [
    (
        "OCG-0002",
        "not",
        "prepare",
        "No exit or resilience work this quarter",
        "nothing to build on until the principals are charged",
        False,
        20,
    ),
    (
        "OCG-0002",
        "decision",
        "protect",
        "Work with council housing on the stash flat",
        "the tenancy is the quickest lever we have",
        True,
        12,
    ),
    (
        "OCG-0002",
        "decision",
        None,
        "Lead with the harbour, not the estate",
        "the harbour carries most of the supply",
        False,
        5,
    ),
    (
        "OCG-0001",
        "decision",
        "pursue",
        "Target the car wash before the nail bar",
        "it launders most of the cash",
        False,
        30,
    ),
    (
        "OCG-0009",
        "decision",
        "pursue",
        "Pursue only for now",
        "SIO's view: prosecution first",
        False,
        90,
    ),
]


def load(demo: Demo) -> None:
    """Called by the plugin's ``load_demo`` hook."""
    now, today = demo.clock.utcnow(), demo.clock.today()
    okafor = demo.people["okafor"].id or 0
    session = demo.session
    for ref, aim, hold, build in PLANS:
        session.add(
            Plan(
                ocg_id=_id(demo, ref),
                aim=aim,
                hold=hold,
                build=build,
                updated_at=now - timedelta(days=40),
                updated_by_id=okafor,
            )
        )
    for ref, pillar, level, what, measure, days in OBJECTIVES:
        session.add(
            Objective(
                ocg_id=_id(demo, ref),
                pillar=pillar,
                level=level,
                what=what,
                measure=measure,
                target=today + timedelta(days=days),
                created_at=now - timedelta(days=40),
                by_id=okafor,
            )
        )
    for ref, topic, area, text, why, partner, days in DECISIONS:
        session.add(
            Decision(
                ocg_id=_id(demo, ref),
                at=now - timedelta(days=days),
                by_id=okafor,
                topic=topic,
                pillar=area,
                text=text,
                rationale=why,
                partner=partner,
            )
        )
    session.add(
        Target(
            ocg_id=_id(demo, "OCG-0002"),
            category="vehicles",
            text="The two vans seen at the harbour",
            created_at=now - timedelta(days=40),
            by_id=okafor,
        )
    )
    session.add(
        IntelRequirement(
            ocg_id=_id(demo, "OCG-0002"),
            requirement="Who moors the boat at the slipway?",
            collection="harbour master's logs and ANPR",
            owner_id=demo.people["khan"].id or 0,
            created_at=now - timedelta(days=15),
            by_id=okafor,
        )
    )
    demo.summary.append(f"{len(PLANS)} 4P plans of varying health")


def _id(demo: Demo, ref: str) -> int:
    return demo.ocgs[ref].id or 0
