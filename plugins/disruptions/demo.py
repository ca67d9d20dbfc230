"""The disruptions plugin's part of the demo force: disruptions, accepted and to moderate, each
with its history."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from socbot_plugins.disruptions.models import Disruption, DisruptionChange
from sqlmodel import select

from socbot import Nominal
from socbot.demo import Demo

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


# A moderation queue worth showing: a likely duplicate (#6 and #7, the same charge logged by the
# SIO and by the LRO, on the Harbour Lane Crew), an item waiting for the recorder's answer (#8, a
# partner's) and one accepted after a regrade (#9); a Prevent disruption with its level and a
# qualitative note.
# ocg, days ago, grade, pillar, description, values, status, recorder, moderator's note,
# (regraded from, to) or None
LATER: list[tuple[str, int, str, str, str, dict[str, Any], str, str, str | None, Any]] = [
    (
        "OCG-0002",
        3,
        "major",
        "pursue",
        "Kieran Doyle charged with conspiracy to supply and remanded in custody",
        {"charged": 1, "arrests": 1, "nominal": "Kieran Doyle"},
        "pending",
        "nguyen",
        None,
        None,
    ),
    (
        "OCG-0002",
        2,
        "major",
        "pursue",
        "Principal remanded after charge for supplying cocaine",
        {"charged": 1},
        "pending",
        "okafor",
        None,
        None,
    ),
    (
        "OCG-0002",
        8,
        "moderate",
        "protect",
        "Cuckooing visits to the Harbour Lane flat with the housing officer",
        {"safeguarded": 1},
        "needs_info",
        "ford",
        "Did the group lose the use of the flat, and was the tenant moved?",
        None,
    ),
    (
        "OCG-0005",
        15,
        "minor",
        "pursue",
        "Two runners stopped in Northgate: ten wraps of crack seized",
        {"arrests": 2, "drugs": "10 wraps crack cocaine"},
        "accepted",
        "okafor",
        "The runners are peripheral juveniles and the line kept running: minor",
        ("major", "minor"),
    ),
    (
        "OCG-0005",
        10,
        "minor",
        "prevent",
        "Two pupils referred to youth diversion after the county lines talk at Northgate",
        {
            "safeguarded": 2,
            "prevent_level": "secondary",
            "community_confidence": "the school now passes concerns to the PCSO",
        },
        "accepted",
        "patel",
        None,
        None,
    ),
]


def load(demo: Demo) -> None:
    """Called by the plugin's ``load_demo`` hook."""
    now, today = demo.clock.utcnow(), demo.clock.today()
    moss = demo.people["moss"].id or 0
    rows = [(*row, "nguyen", None, None) for row in DISRUPTIONS] + LATER
    for ref, days_ago, grade, pillar, text, values, status, who, note, regrade in rows:
        values = dict(values)
        named = values.pop("nominal", None)
        if ref == "OCG-0001" and pillar == "prevent":
            values["prevent_level"] = "secondary"
        decided = status in ("accepted", "needs_info")
        recorded_at = now - timedelta(days=days_ago)
        moderated_at = now - timedelta(days=max(days_ago - 2, 0)) if decided else None
        d = Disruption(
            ocg_id=demo.ocgs[ref].id or 0,
            occurred_on=today - timedelta(days_ago),
            grade=grade,
            pillar=pillar,
            description=text,
            recorded_by_id=demo.people[who].id or 0,
            recorded_at=recorded_at,
            status=status,
            moderated_by_id=moss if decided else None,
            moderated_at=moderated_at,
            moderation_note=note,
            nominal_id=_nominal(demo, ref, named),
            **values,
        )
        demo.session.add(d)
        demo.session.flush()
        first = regrade[0] if regrade else grade
        steps: list[tuple[datetime, int, str, str | None, str | None, str, str]] = [
            (recorded_at, d.recorded_by_id, "recorded", None, None, first, "")
        ]
        if decided and moderated_at is not None:
            steps.append((moderated_at, moss, status, "status", "pending", status, note or ""))
        if regrade and moderated_at is not None:
            steps.append((moderated_at, moss, "accepted", "grade", *regrade, note or ""))
        for at, by, kind, field, before, after, why in steps:
            demo.session.add(
                DisruptionChange(
                    disruption_id=d.id or 0,
                    at=at,
                    by_id=by,
                    kind=kind,
                    field=field,
                    before=before,
                    after=after,
                    rationale=why,
                )
            )
    demo.summary.append(f"{len(rows)} disruptions")


def _nominal(demo: Demo, ref: str, name: str | None) -> int | None:
    if name is None:
        return None
    found = demo.session.exec(
        select(Nominal).where(Nominal.ocg_id == demo.ocgs[ref].id, Nominal.name == name)
    ).first()
    return found.id if found else None
