"""A realistic plan as ``PlanData``, built by hand: several objectives a pillar, long texts,
unicode, and a decision log long enough to run over several PDF pages. All of it invented."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from socbot_plugins.plan.view import (
    ActionRow,
    DecisionRow,
    IntelRow,
    NominalRow,
    ObjectiveRow,
    PillarPlan,
    PlanData,
)

from socbot.clock import LONDON

NOW = datetime(2027, 3, 3, 9, 0, tzinfo=LONDON)
LONG = (
    "Work with Trading Standards and the council's licensing team to inspect every hand car "
    "wash on the Fratton Road corridor, record who is working there and on what terms, and "
    "refer any sign of forced labour to the modern slavery coordinator the same day → the "
    "aim is to remove the cash-intensive fronts the group launders through (£40,000 a month "
    "on the analyst's estimate), not to close lawful businesses."
)
UNICODE = "Café “Le Rendez-vous” → £12,500 seized; naïve ‘quotes’ – em — dash"


def _objectives(pillar: str) -> list[ObjectiveRow]:
    return [
        ObjectiveRow(
            10 * n + len(pillar),
            f"{pillar.capitalize()} objective {n}: " + ("reduce " * n) + "the group's reach",
            "measured monthly by the analyst against the baseline in the profile " * (n % 2 + 1),
            date(2027, 3 + n, 28),
            "open" if n < 3 else "met",
            ("primary", "secondary", "tertiary")[n % 3] if pillar == "prevent" else None,
        )
        for n in range(1, 4)
    ]


def _pillar(pillar: str, lead: str | None) -> PillarPlan:
    return PillarPlan(
        pillar=pillar,
        lead=lead,
        objectives=_objectives(pillar) if pillar != "prepare" else [],
        open_actions=[
            ActionRow(
                100 + n,
                LONG if n == 1 else f"Action {n} on {pillar}: {UNICODE}",
                "@cole" if n % 2 else "Trading Standards",
                date(2027, 3, n + 1),
                "open",
                overdue=n == 1,
            )
            for n in range(1, 4)
        ],
        done_actions=[
            ActionRow(
                200 + n,
                f"Visit {n} to the car wash",
                "@patel",
                date(2027, 2, n + 1),
                "done",
                result=f"Two workers referred; {UNICODE}",
            )
            for n in range(1, 3)
        ],
        not_developed=(
            ["no exit work yet (because principals on remand until the trial in June)"]
            if pillar == "prepare"
            else []
        ),
    )


def _decisions(count: int) -> list[DecisionRow]:
    topics = ("decision", "not", "aim", "target", "phase")
    return [
        DecisionRow(
            id=n,
            at=NOW - timedelta(days=count - n, hours=n % 5),
            by="@okafor" if n % 3 else "@hart",
            topic=topics[n % len(topics)],
            pillar=("pursue", "prevent", "protect", "prepare", None)[n % 5],
            text=f"Decision {n}: " + ("target the car wash first " * (1 + n % 4)).strip(),
            rationale=(
                " ".join([LONG] * 9)  # taller than a page: the row splits over two
                if n == 14
                else LONG
                if n % 7 == 0
                else f"it launders most of the cash ({UNICODE})"
            ),
            corrects=n - 1 if n % 11 == 0 else None,
        )
        for n in range(count, 0, -1)  # newest first
    ]


def sample_plan(*, decisions: int = 34, partner: bool = False) -> PlanData:
    return PlanData(
        ref="OCG-0001",
        name="Fratton supply group" if partner else "Smith family",
        band="2A",
        tier=1,
        status="active",
        phase="clear",
        area="Portsmouth",
        lro="Insp Ada Okafor (@okafor)",
        sro="Supt Lee Hart (@hart)",
        review_due=date(2027, 3, 31),
        last_review=date(2027, 2, 28),
        aim="Dismantle the supply into Fratton and stop the recruitment of children → " + LONG,
        hold="Licensing checks keep the car wash honest once the principals are charged",
        build="Youth workers and the school build resilience on the estate; £5,000 from POCA",
        pillars=[
            _pillar("pursue", "DI Sam Nguyen (@nguyen)"),
            _pillar("prevent", "PS Ravi Patel (@patel)"),
            _pillar("protect", None),
            _pillar("prepare", None),
        ],
        nominals=[
            NominalRow("Danny Smith", "principal", "active"),
            NominalRow("Kelly Smith", "significant", "active"),
            NominalRow("Jordan Pike", "peripheral", "remand"),
        ],
        targets=["business: the car wash on Fratton Road", "cash: money service bureau"],
        partners_tasked=["Trading Standards (3 open)", "Council Housing (1 open)"],
        intel=[
            IntelRow(
                1,
                "Who supplies the cash to the car wash?",
                "financial checks; " + LONG,
                None,
                "@khan",
                "open",
            ),
            IntelRow(
                2,
                "Which vehicles move the drugs?",
                "ANPR on the A2030",
                "Two vans, both hired through the same front",
                "@khan",
                "answered",
            ),
        ],
        decisions=_decisions(decisions),
        generated_at=NOW,
        partner_view=partner,
    )
