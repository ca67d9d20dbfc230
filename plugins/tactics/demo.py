"""The tactics plugin's part of the demo force: what is known of two OCGs' lives."""

from __future__ import annotations

from socbot_plugins.tactics.models import ProfileFact

from socbot.demo import Demo

PROFILE = [
    ("OCG-0001", "business", "car wash on Fratton Road, cash-only"),
    ("OCG-0001", "business", "nail salon, Southsea"),
    ("OCG-0001", "vehicles", "private plate, leased Range Rover"),
    ("OCG-0001", "lifestyle", "boxing gym, expensive holidays"),
    ("OCG-0003", "travel", "monthly flights abroad"),
    ("OCG-0003", "crime", "cannabis cultivation in rented houses"),
]


def load(demo: Demo) -> None:
    """Called by the plugin's ``load_demo`` hook."""
    for ref, category, fact in PROFILE:
        demo.session.add(
            ProfileFact(
                ocg_id=demo.ocgs[ref].id or 0,
                category=category,
                fact=fact,
                added_by_id=demo.people["khan"].id or 0,
                added_at=demo.start,
            )
        )
