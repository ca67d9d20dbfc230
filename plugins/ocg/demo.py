"""The ocg plugin's part of the demo force: each OCG's last review, by its LRO.

The OCGs themselves are core records (``socbot.demo_force``); their review dates are set from
the bot's clock, so some reviews are always overdue and some healthy.
"""

from __future__ import annotations

from socbot_plugins.ocg.models import Review

from socbot.demo import Demo
from socbot.demo_force import OCGS


def load(demo: Demo) -> None:
    """Called by the plugin's ``load_demo`` hook."""
    for ref, *_, lro, _sio, _offset in OCGS:
        ocg = demo.ocgs[ref]
        assert ocg.last_review_on is not None  # demo_force dates every OCG's last review
        demo.session.add(
            Review(
                ocg_id=ocg.id or 0,
                reviewed_on=ocg.last_review_on,
                recorded_at=demo.start,
                by_id=demo.people[lro].id or 0,
                kind="scheduled",
                notes="Plan reviewed at the monthly tasking meeting.",
                next_due=ocg.next_review_due,
            )
        )
