"""The disruptions plugin's part of the demo force: disruptions, accepted and to moderate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from socbot_plugins.disruptions.models import Disruption

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


def load(demo: Demo) -> None:
    """Called by the plugin's ``load_demo`` hook."""
    now, today = demo.clock.utcnow(), demo.clock.today()
    for ref, days_ago, grade, pillar, text, outcomes, status in DISRUPTIONS:
        demo.session.add(
            Disruption(
                ocg_id=demo.ocgs[ref].id or 0,
                occurred_on=today - timedelta(days_ago),
                grade=grade,
                pillar=pillar,
                description=text,
                recorded_by_id=demo.people["nguyen"].id or 0,
                recorded_at=now - timedelta(days=days_ago),
                status=status,
                moderated_by_id=demo.people["moss"].id if status == "accepted" else None,
                moderated_at=now - timedelta(days=max(days_ago - 2, 0))
                if status == "accepted"
                else None,
                **outcomes,
            )
        )
    demo.summary.append(f"{len(DISRUPTIONS)} disruptions")
